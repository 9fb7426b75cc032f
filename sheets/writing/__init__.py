"""Writing workbooks: a branch's export, the blank templates, their shared styling and the
text cells that never run as formulas."""
