-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d).
-- One database for the platform; each service migrates its own schema in it (ADR 0004).
-- CREATEDB lets `make test` create its throwaway databases on this server too.
CREATE ROLE msgplat LOGIN CREATEDB PASSWORD 'msgplat';
CREATE DATABASE msgplat OWNER msgplat;
