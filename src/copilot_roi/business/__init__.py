"""The business case: one model of the decision, and the XLSX, PPTX, HTML and link exports of it."""
