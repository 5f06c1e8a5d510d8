"""Forms for cases and their dated records. Validation comes from the models (one set of rules).

- `fields`: the form fields and widgets every form here uses (yes / no / not recorded, measurements);
- `case`: the case's own fields (patient, contraindications);
- `findings`: the latest findings on the case form, and how their changes are saved;
- `records`: one form per kind of dated record (cases/record_kinds.py).
"""
