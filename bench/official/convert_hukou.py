#!/usr/bin/env python3
"""Convert the Linyi public-security 户籍 service items into a quanke-catalogue/1 file.

Reads  ../shared/data/real-service-items/linyi-hukou-items.json (beside the repository),
       or the file named as the first argument
Writes bench/official/hukou.json (beside this script)

The conversion is a plain import of the official text: no keywords, synonyms, FAQs,
tips, intake questions or policies are added, and no colloquial wording is introduced.
Standard library only; the output is deterministic (items sorted by code, two-space
indentation, UTF-8 without escaping, final newline).
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.path.join(HERE, "..", "..", "..", "shared", "data", "real-service-items",
                      "linyi-hukou-items.json")
)
TARGET = os.path.join(HERE, "hukou.json")

EFFECTIVE_FROM = "2026-01-01"
CHANGE_NOTE = "导入临沂市公安局户籍业务办理说明（原文转录，未加关键词）"

LINE = "户籍/居住证"
DEFAULT_DEPARTMENT = "公安派出所"
ITEM_TYPE = "confirmation"  # 户籍 matters are 行政确认
LEVEL = "district"
DEFAULT_APPLICANTS = "符合条件的申请人"
DEFAULT_CONDITIONS = ["符合办理条件"]
DEFAULT_STEPS = ["申请人提交材料", "派出所审核办理"]
DEFAULT_DAYS = 20
DEFAULT_VISITS = 1
DEFAULT_FEE = "不收费"
LOCATION = "户籍所在地公安派出所户籍窗口"
HOURS = "工作日 9:00-17:00"
WINDOW = ""
CONSULT_PHONE = "110"
COMPLAINT_PHONE = "12345"
SELF_PROVIDED = "申请人自备"

CANCEL_WORDS = ("注销",)
CHANGE_WORDS = ("变更", "更正", "迁移", "迁出", "迁入")

# Punctuation removed from the end of a material name (closing brackets are kept).
TRAILING_PUNCT = "。．.，,、；;：:！!？? \t\r\n\u3000"

# Materials whose text names the issuing body without the word 出具 and where that body
# issues the whole material (not just one of several alternatives).  Keyed by
# (source id, 1-based material position); the value is the issuer in the source's words.
EXPLICIT_ISSUERS = {
    ("L005", 2): "师（旅）以上政治部门",  # 师（旅）以上政治部门批准文书和审批表
    ("L009", 2): "民族事务部门",          # 民族事务部门的审批意见
    ("L016", 1): "公安部",                # 公安部批准入籍或恢复国籍文件
    ("L020", 2): "人民法院",              # 人民法院撤销宣告死亡（失踪）的生效判决书
    ("L022", 2): "部队批准机关",          # 部队批准机关文件
    ("L024", 1): "学校",                  # 学校批准转学、退学、开除学籍文件
    ("L025", 1): "学校",                  # 学校情况说明
    ("L042", 1): "学校",                  # 学校批准转退学、开除学籍文件
    ("L045", 3): "公安机关",              # 公安机关打拐解救暂时未查找到生父母或其他监护人的说明
}

# "X出具的…" at the start of a material, where X is one body (no alternatives such as
# "房屋产权证，或…或房管部门出具的…", whose other alternatives the applicant holds).
ISSUED_BY = re.compile(r"^([^，,；;。或]+?)出具的")

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def text(value):
    return (value or "").strip()


def split_sentences(value, separators="。；"):
    pieces = re.split("[" + re.escape(separators) + "]", value or "")
    return [p.strip() for p in pieces if p.strip()]


def kind_of(name):
    if any(w in name for w in CANCEL_WORDS):
        return "cancel"
    if any(w in name for w in CHANGE_WORDS):
        return "change"
    return "new"


def material_form(name):
    return "copy" if "复印件" in name else "original"


def how_to_obtain(source_id, position, name):
    issuer = EXPLICIT_ISSUERS.get((source_id, position))
    if issuer is None:
        m = ISSUED_BY.match(name)
        if m:
            issuer = m.group(1).strip()
    return issuer + "出具" if issuer else SELF_PROVIDED


def materials_of(src):
    out = []
    for position, raw in enumerate(src.get("materials") or [], start=1):
        name = text(raw).rstrip(TRAILING_PUNCT).strip()
        if not name:
            continue
        out.append({
            "id": "m%d" % (len(out) + 1),
            "name": name,
            "copies": 1,
            "form": material_form(name),
            "how_to_obtain": how_to_obtain(src["id"], position, name),
        })
    return out


def parse_number(token):
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + CN_DIGITS.get(token[1:], 0)
    if token.endswith("十"):
        return CN_DIGITS.get(token[:-1], 0) * 10
    if "十" in token:
        tens, ones = token.split("十", 1)
        return CN_DIGITS.get(tens, 0) * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(token, 0)


def time_limits(time_limit):
    """Return (statutory_days, promised_days, mode)."""
    days = [parse_number(t) for t in
            re.findall(r"(\d+|[零〇一二两三四五六七八九十]+)\s*个?\s*工作日", time_limit or "")]
    days = [d for d in days if d > 0]
    if not days and ("当场" in (time_limit or "") or "即时" in (time_limit or "")):
        return 1, 0, "on_the_spot"
    statutory = max(days) if days else DEFAULT_DAYS
    promised = statutory
    return statutory, min(promised, statutory), "promised"


def visits_of(value):
    m = re.search(r"\d", value or "")
    if m:
        n = int(m.group(0))
    else:
        m = re.search(r"[零〇一二两三四五]", value or "")
        n = CN_DIGITS[m.group(0)] if m else DEFAULT_VISITS
    return max(0, min(5, n))


def convert(src):
    name = text(src["name"])
    eligibility = text(src.get("eligibility"))
    conditions = split_sentences(eligibility, "。；;\n") if eligibility else []
    steps = split_sentences(src.get("procedure"))
    statutory, promised, mode = time_limits(src.get("time_limit"))
    item = {
        "code": "HJ-" + text(src["id"]),
        "name": name,
        "line": LINE,
        "department": text(src.get("department")) or DEFAULT_DEPARTMENT,
        "item_type": ITEM_TYPE,
        "level": LEVEL,
        "applicants": eligibility or DEFAULT_APPLICANTS,
        "kinds": [{"kind": kind_of(name), "conditions": conditions or list(DEFAULT_CONDITIONS)}],
        "materials": materials_of(src),
        "steps": steps or list(DEFAULT_STEPS),
        "legal_basis": [],
        "statutory_days": statutory,
        "promised_days": promised,
        "mode": mode,
        "visits": visits_of(src.get("visits")),
        "fee": text(src.get("fee")) or DEFAULT_FEE,
        "location": LOCATION,
        "hours": HOURS,
        "window": WINDOW,
        "consult_phone": CONSULT_PHONE,
        "complaint_phone": COMPLAINT_PHONE,
        "faqs": [],
        "tips": [],
        "keywords": [],
        "synonyms": [],
        "questions": [],
        "policies": [],
    }
    return {"effective_from": EFFECTIVE_FROM, "change_note": CHANGE_NOTE, "item": item}


def main():
    with open(SOURCE, encoding="utf-8") as f:
        source = json.load(f)
    entries = [convert(src) for src in source]
    entries.sort(key=lambda e: e["item"]["code"])
    codes = [e["item"]["code"] for e in entries]
    if len(set(codes)) != len(codes):
        sys.exit("duplicate codes in source")
    catalogue = {"format": "quanke-catalogue/1", "policies": [], "items": entries}
    os.makedirs(os.path.dirname(TARGET), exist_ok=True)
    with open(TARGET, "w", encoding="utf-8", newline="\n") as f:
        json.dump(catalogue, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("wrote %d items to %s" % (len(entries), TARGET))


if __name__ == "__main__":
    main()
