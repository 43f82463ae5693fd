"""Development secrets kept in ``var/dev-secrets.json`` so a demo database stays readable
across restarts. Never used when ``GONGHUI_ENV=production``."""

import base64
import json
import os
import secrets
from pathlib import Path


def load(base_dir: Path) -> dict:
    path = base_dir / "var" / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(50),
        "field_keys": f"k1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "blind_index_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return data
