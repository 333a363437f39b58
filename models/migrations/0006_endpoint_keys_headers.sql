-- Endpoint signing-key rotation with a grace period, and custom request headers (issue 8,
-- items 4 and 9). Both secrets are sealed like signing_key_enc (AES-256-GCM, row id as AD).
--
-- During a rotation previous_signing_key_enc holds the old key until key_overlap_until: the
-- webhook-signature header carries both signatures, and X-Signature uses the old key until
-- signature_switch_at. After key_overlap_until the old key is no longer used (and is cleared
-- by the next write to the row).
ALTER TABLE endpoints ADD COLUMN previous_signing_key_enc {{bytes}};
ALTER TABLE endpoints ADD COLUMN key_rotated_at {{timestamp}};
ALTER TABLE endpoints ADD COLUMN key_overlap_until {{timestamp}};
ALTER TABLE endpoints ADD COLUMN signature_switch_at {{timestamp}};
-- Sealed JSON array of {"name", "value"} pairs; NULL when there are none.
ALTER TABLE endpoints ADD COLUMN custom_headers_enc {{bytes}};
