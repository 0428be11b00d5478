"""Pure text helpers: offset-keeping normalisation and quote search, `fold`, the sentence
splitter, place data. Nothing here imports anything else from summarizer.
"""
