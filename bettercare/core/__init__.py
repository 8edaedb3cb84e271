"""bettercare's core: the indicator maths and rules, free of any framework or database.

- :mod:`bettercare.core.stats` - values with confidence intervals, target comparison, direction
  of travel (PHE/OHID methods);
- :mod:`bettercare.core.spc` - Making Data Count XmR charts;
- :mod:`bettercare.core.funnel` - funnel plots and outlier significance (PHEindicatormethods);
- :mod:`bettercare.core.rag` - the BCF RAG status guidelines, data RAG, roll-ups, risk scoring;
- :mod:`bettercare.core.forecast` - year-end forecasts;
- :mod:`bettercare.core.periods` - reporting months and financial years;
- :mod:`bettercare.core.ordering` - the natural order of references ("BCF 2" before "BCF 10");
- :mod:`bettercare.core.pooled_fund` - the pooled fund counted once, what is passported out of
  it, and its protection-of-services split;
- :mod:`bettercare.core.pay_for_performance` - planned savings and performance payments;
- :mod:`bettercare.core.plan_details` - national conditions statements and sign-offs.
"""
