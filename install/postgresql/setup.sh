#!/usr/bin/env bash
# Create the role and database Kolejka uses (peer authentication for the local
# `kolejka` system user). Safe to run twice.
set -euo pipefail
sudo -u postgres psql -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE kolejka LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kolejka')\gexec
SELECT 'CREATE DATABASE kolejka OWNER kolejka' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'kolejka')\gexec
SQL
echo "PostgreSQL ready: KOLEJKA_DATABASE_URL=postgresql+psycopg://kolejka@/kolejka?host=/var/run/postgresql"
