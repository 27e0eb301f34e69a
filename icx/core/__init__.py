"""Pure core: methodology, scoring, risk models. Imports neither Excel nor file formats."""
