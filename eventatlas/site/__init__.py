"""Stage 3: figure data, pages, views and every file the site serves."""
