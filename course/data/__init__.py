"""The course's data, read offline from installed packages: nothing is downloaded.

    from course.data import load_corpus
    corpus = load_corpus()   # city names split into train and validation, vocabulary

`public_samples.npz` holds the published inputs and outputs of the public checks.
"""

from course.data.names import END, NamesCorpus, load_corpus, load_names

__all__ = ["END", "NamesCorpus", "load_corpus", "load_names"]
