from geo.text import compact, fold


def test_folding_removes_diacritics_and_d_bar():
    assert fold("Đường 9 – Bắc Quảng Trị") == "duong 9 bac quang tri"


def test_folding_is_the_same_for_composed_and_decomposed_unicode():
    import unicodedata

    text = "Thừa Thiên Huế"
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


def test_compact_ignores_spaces_and_dots():
    assert compact("TP. HCM") == compact("tphcm")
