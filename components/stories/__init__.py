"""Stories: the library grouped into articles about the same event, and how each outlet sourced it.

``features`` turns an article into what the grouping compares (words, names, embedding, date);
``grouping`` holds the online grouping (:class:`StoryIndex`); ``service`` keeps the stories in the
database, grows them as articles arrive and records analysts' moves and splits as corrections;
``compare`` builds one story's outlet-by-outlet sourcing comparison.
"""
