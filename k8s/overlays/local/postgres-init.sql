-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d).
-- One database for the platform; each service migrates its own schema in it (ADR 0004).
-- CREATEDB lets `make test` create its throwaway databases on this server too;
-- CREATEROLE lets the migration Job give each service a role of its own
-- (plumbing/db_roles.py; the Kubernetes overlays do, `make run` shares this one).
CREATE ROLE msgplat LOGIN CREATEDB CREATEROLE PASSWORD 'msgplat';
CREATE DATABASE msgplat OWNER msgplat;
