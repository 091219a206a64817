# Source before an in-process benchmark (sms_inbound.py, notifications.py) to measure with production
# settings: DEBUG off, JSON log lines at INFO (send stderr to a file, as a process manager would),
# throwaway keys. Fake SMS sender and payment gateway: nothing leaves the machine.
#   eval "$(scripts/services.sh env test)"; . bench/production_env.sh
#   DATABASE_URL=.../portal_bench_sms .venv/bin/python bench/sms_inbound.py 2>/tmp/bench.log
export DJANGO_DEBUG=false DJANGO_LOG_FORMAT=json DJANGO_LOG_LEVEL=INFO \
  DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" DJANGO_ALLOWED_HOSTS=testserver \
  DJANGO_SECURE_SSL_REDIRECT=false NIK_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64)" \
  NIK_BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | base64)" SMS_SENDER=fake SMS_INBOUND_SECRET=bench-secret \
  PAYMENT_GATEWAY=fake PAYMENT_ALLOW_FAKE=true MIDTRANS_SERVER_KEY=bench-only-server-key PYTHONPATH=. \
  DJANGO_STATIC_ROOT=.local/test/static
