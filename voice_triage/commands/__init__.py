"""Commands: the ``voice-triage`` sub-commands that are tools rather than conversations (assess, doctor,
models, bench, kiosk and serve set-up). What people talk to lives in ``frontends/`` and ``hosts/``."""
