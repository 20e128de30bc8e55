-- hkpipe.connect: the warehouse file attached read-only to a fresh in-memory database, as
-- catalog "warehouse", which the connection then USEs (so unqualified names are its tables,
-- views and macros).
ATTACH $path AS warehouse (READ_ONLY)
