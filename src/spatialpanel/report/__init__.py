"""Report: tables for papers (Excel, Word, LaTeX, Markdown, HTML), figures and maps, the study
report and its interpretation sentences. Reads saved results; never refits."""
