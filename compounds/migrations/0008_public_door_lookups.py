"""The public doors' narrow lookups of compounds (accounts.rls.door_function, docs/security-database.md): the
QR code's token to its compound's district (the QR page, 码上反馈, the owners' survey), a district's code to its
id and the only district's id (Open311's jurisdiction). Self-contained."""

from django.db import migrations

from accounts.rls import door_function


class Migration(migrations.Migration):
    dependencies = [("compounds", "0007_row_level_security")]

    operations = [
        door_function(
            "capillary_door_compound_token",
            "token",
            "SELECT district_id FROM compounds_compound WHERE public_token = $1 LIMIT 1",
        ),
        door_function("capillary_door_district_code", "code", "SELECT id FROM compounds_district WHERE code = $1"),
        door_function(
            "capillary_door_only_district",
            "unused",
            "SELECT min(id) FROM compounds_district HAVING count(*) = 1",
        ),
    ]
