from autograder.cli import console_main

console_main()
