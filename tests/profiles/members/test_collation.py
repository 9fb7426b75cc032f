"""Names in pinyin order (profiles/collation.py)."""

from __future__ import annotations

from profiles.collation import name_key


def test_names_sort_by_pinyin_not_code_point() -> None:
    names = ["张伟", "何健", "余佳", "刘洋", "李娜", "曹杰", "欧阳修", "王芳", "刘明强"]
    assert sorted(names) != sorted(names, key=name_key)  # code points would differ
    assert sorted(names, key=name_key) == [
        "曹杰", "何健", "李娜", "刘明强", "刘洋", "欧阳修", "王芳", "余佳", "张伟"]


def test_tones_and_homophones_break_ties_and_latin_names_sort_among_them() -> None:
    # 黎 li2 before 李 li3: tone order; a Latin "Lily" after both ("li2" < "li3" < "lily").
    assert sorted(["李明", "黎明", "Lily Chen"], key=name_key) == ["黎明", "李明", "Lily Chen"]
    # Same pinyin and tones: the characters decide, so the order is total.
    assert name_key("张伟") != name_key("章伟")
    assert sorted(["章伟", "张伟"], key=name_key) == sorted(["张伟", "章伟"], key=name_key)


def test_surnames_take_their_surname_reading() -> None:
    # 曾 is zeng as a surname (not ceng), 单 shan (not dan), 解 xie (not jie).
    assert sorted(["张三", "曾国藩", "邓小明", "单田芳", "谢军", "解放"], key=name_key) == [
        "邓小明", "单田芳", "解放", "谢军", "曾国藩", "张三"]
    assert name_key("尉迟恭")[0] == ("yu4", "chi2", "gong1")
    assert name_key("曾曾")[0] == ("zeng1", "ceng2")  # only the first character is the surname
