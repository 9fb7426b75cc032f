"""One importer per record kind (members, meetings, dues, points, evaluations), the
branches and groups they find or create, and the one transaction an import runs in."""
