"""quotecheck: extract quotations from news articles, attribute them, and trace their variants."""
