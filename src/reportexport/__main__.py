from reportexport.cli import run

run()
