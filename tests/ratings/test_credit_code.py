"""The unified social credit code (统一社会信用代码, GB 32100-2015) check character."""

import pytest
from django.core.exceptions import ValidationError

from compounds.validators import credit_code_check_character, validate_credit_code
from tests import factories

# The worked example of GB 32100-2015, and one made by the test factories.
REAL = ["91350100M000100Y43", factories.credit_code(12345)]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


def test_a_wrong_check_character_is_refused_in_chinese():
    code = REAL[0][:17] + ("0" if REAL[0][17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位不正确"):
        validate_credit_code(code)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y43X", "91350100O000100Y43", ""])
def test_bad_length_or_alphabet_is_refused(code):
    with pytest.raises(ValidationError, match="18 位"):
        validate_credit_code(code)


@pytest.mark.django_db
def test_firm_with_a_bad_code_is_not_saved(tree):
    firm = factories.PropertyFirmFactory.build(district=tree.district, name="错码物业", credit_code=REAL[0][:17] + "0")
    with pytest.raises(ValidationError) as error:
        firm.full_clean()
    assert "校验位不正确" in str(error.value)
