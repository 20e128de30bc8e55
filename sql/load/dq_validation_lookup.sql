-- A stored suite result for exactly this batch, suite, parameters and GX version.
SELECT success, detail FROM dq_validations WHERE suite = $suite AND cache_key = $cache_key
