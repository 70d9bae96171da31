"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2, frozen spec), with the
`servicerequestupdates` extension FixMyStreet uses. Every endpoint answers XML (required by the spec) or
JSON, chosen by the suffix. `jurisdiction_id` is the district's 6-digit division code; `api_key` is the DRF
token of a district official of that district (its API account) or of a platform administrator."""
