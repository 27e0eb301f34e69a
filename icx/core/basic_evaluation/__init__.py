"""The MOF basic evaluation (基础性评价): the indicator system as data, what icx can derive from a
unit workbook, the scoring of a unit's answers, and the department's averages.

``system`` (the validated model of ``icx/data/basic_evaluation.toml``), ``derive`` (answers from
the workbook's facts), ``scoring`` (answers → scorecard), ``aggregate`` (units → averages and the
most common deductions). All pure: the readers live in ``icx.io.basic_evaluation_sheet``.
"""
