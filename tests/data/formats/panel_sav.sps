* Written by make_formats.py; run with: pspp panel_sav.sps
SET LOCALE='UTF-8'.
GET DATA /TYPE=TXT /FILE='panel_long.csv' /ENCODING='UTF-8' /ARRANGEMENT=DELIMITED
  /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=',' /QUALIFIER='"'
  /VARIABLES=province A24 year F4.0 urbanization_rate F8.2 gdp_per_capita F10.0
  openness F8.4.
VARIABLE LABELS urbanization_rate 'Urbanization rate (%)'
  /gdp_per_capita 'GDP per capita (yuan)'
  /openness 'Trade openness (share of GDP)'.
SAVE OUTFILE='panel.sav'.
