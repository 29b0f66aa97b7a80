"""The HTML core the web page and the e-book share: the report as an HTML tree
(`markup`) and the theme as CSS (`styles`), parameterised by what the two editions
do differently (`markup.Flavour`)."""
