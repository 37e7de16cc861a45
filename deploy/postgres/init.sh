#!/usr/bin/env bash
# First start of the postgres container only (empty data volume): one database and one login
# role per component. Each role owns its own database and nothing else; PUBLIC may not connect
# to any of them, so a component's credentials reach no other component's data.
#
# Passwords come from the container's environment (<COMPONENT>_DB_PASSWORD, see
# deploy/env.example). Changing a password later needs `ALTER ROLE ... PASSWORD ...` by hand:
# this script does not run again once the volume holds a database cluster.
set -Eeo pipefail

for component in gateway finance assets facilities personnel; do
    password_var="${component^^}_DB_PASSWORD"
    password="${!password_var:-}"
    if [ -z "$password" ]; then
        echo "init.sh: $password_var is not set; refusing to create role $component" >&2
        exit 1
    fi
    # psql variables (:"name" identifier, :'password' literal) do the quoting.
    psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password \
        --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
        -v name="$component" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
SQL
    echo "init.sh: database $component owned by role $component"
done

# Nor may the component roles connect to the maintenance database.
psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v maintenance="${POSTGRES_DB:-postgres}" <<'SQL'
REVOKE CONNECT, TEMPORARY ON DATABASE :"maintenance" FROM PUBLIC;
SQL
