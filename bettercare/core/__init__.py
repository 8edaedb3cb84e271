"""bettercare's core: the indicator maths and rules, free of any framework or database.

- :mod:`bettercare.core.stats` - values with confidence intervals, target comparison, direction
  of travel (PHE/OHID methods);
- :mod:`bettercare.core.spc` - Making Data Count XmR charts;
- :mod:`bettercare.core.funnel` - funnel plots and outlier significance (PHEindicatormethods);
- :mod:`bettercare.core.rag` - the BCF RAG status guidelines, data RAG, roll-ups, risk scoring;
- :mod:`bettercare.core.forecast` - year-end forecasts;
- :mod:`bettercare.core.periods` - reporting months and financial years;
- :mod:`bettercare.core.ordering` - the natural order of references ("BCF 2" before "BCF 10").
"""
