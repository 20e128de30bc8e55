-- Store a suite result (replacing one with the same key).
INSERT OR REPLACE INTO dq_validations (suite, cache_key, success, detail, validated_at)
VALUES ($suite, $cache_key, $success, $detail, $validated_at)
