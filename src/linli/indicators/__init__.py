"""指标: every figure the article judges the pilot by, defined once (``registry``), computed
for a place and a month from the domain apps' own selectors (``definitions``), kept per
(region / compound / grid cell, month, code) and brought up to date incrementally
(``rollups``). See ``docs/indicators.md`` (generated) and ARCHITECTURE.md."""
