"""A tiny help center written into a temp folder, shared by pipeline and retrieval tests."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "password.md": """---
id: kb-password
title: Reset your password
url: https://help.test/kb-password
tags: [account]
product: account
---
# Reset your password

## From the sign-in page
Click **Forgot password** on the sign-in page and enter your email address.
We send a reset link that expires after 30 minutes.

## From the mobile app
Open the app, tap *Account*, then *Security*, then *Reset password*.
""",
    "export.md": """---
id: kb-export
title: Export bookings to CSV
url: https://help.test/kb-export
product: bookings
---
Go to **Bookings > Export** and choose a date range. The CSV file includes the
customer name, service, start time and payment status.

```bash
curl -H "Authorization: Bearer $TOKEN" https://api.test/v1/bookings.csv
```
""",
    "refunds-internal.md": """---
id: kb-refund-exceptions
title: Refund exceptions for annual plans
visibility: internal
product: billing
---
Agents may refund an annual plan up to 60 days after renewal with lead approval.
Secret canary SECRET-CANARY-42 marks this internal runbook.
""",
    "refunds.md": """---
id: kb-refunds
title: Refunds and cancellations
url: https://help.test/kb-refunds
product: billing
---
You can cancel your subscription at any time from **Settings > Billing**.
Monthly plans are not refunded; annual plans are refunded within 14 days of renewal.
""",
    "es/password.md": """---
id: kb-password-es
title: Restablecer tu contraseña
url: https://help.test/es/kb-password
translation_of: kb-password
---
# Restablecer tu contraseña

## Desde la página de inicio de sesión
Haz clic en **¿Olvidaste tu contraseña?** en la página de inicio de sesión e introduce tu
correo electrónico. Te enviamos un enlace que caduca a los 30 minutos.
""",
}


def write_help_center(root: Path) -> Path:
    for name, text in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
