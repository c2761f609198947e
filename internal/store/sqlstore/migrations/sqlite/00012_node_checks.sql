-- What every node must share with the node that created the database, recorded at
-- bootstrap (internal/app, nodecheck.go): a key check value of the secrets key (an HMAC
-- of a fixed label, which reveals nothing of the key) and the base URL written into
-- certificates. A node whose values differ refuses to start, naming what differs,
-- instead of joining and answering 500 on the other nodes' enrollments. A database
-- bootstrapped before this version gets its values from the first node to start on it.

-- +goose Up
CREATE TABLE node_checks (
    name             TEXT    PRIMARY KEY,
    value            TEXT    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE node_checks;
