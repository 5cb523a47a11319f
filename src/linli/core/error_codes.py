"""The registry of error codes: every ``code`` a domain error is raised with, its HTTP status
and what it means, in Chinese and English.

The table in ``docs/api.md`` ("Error codes") is generated from :data:`CODES` (with the places
each code arises, found by :mod:`linli.core.error_scan`): ``python -m linli.core.error_codes
--write`` rewrites it. ``tests/core/test_error_codes.py`` fails when a code raised in ``src/``
is not here, when a code here is no longer raised, when a status differs from the raise sites,
or when the docs table is not the generated one.

A new code: raise it, add a line here, run the command above.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Code:
    statuses: tuple[int, ...]
    zh: str
    en: str


def _table(rows: dict[str, tuple]) -> dict[str, Code]:
    out = {}
    for code, (status, zh, en) in rows.items():
        statuses = status if isinstance(status, tuple) else (status,)
        out[code] = Code(tuple(sorted(statuses)), zh, en)
    return out


def _uploads(app: str, what: str) -> dict[str, tuple]:
    """The codes of ``core.uploads.accept_uploads`` for one app (``<app>.<reason>``)."""
    return {
        f"{app}.too_many_files": (
            400,
            f"{what}文件个数超过上限",
            f"more {what} files than allowed",
        ),
        f"{app}.file_empty": (400, f"{what}是空文件", f"an empty {what} file"),
        f"{app}.file_too_large": (400, f"单个{what}超过大小上限", f"one {what} file is too large"),
        f"{app}.upload_too_large": (
            400,
            "本次上传的文件合计超过上限",
            "the request's files together are too large",
        ),
        f"{app}.file_not_allowed": (
            400,
            f"{what}的实际类型不被接受（按文件内容判断）",
            "the file's real type (sniffed from its bytes) is not accepted",
        ),
        f"{app}.image_too_large": (
            400,
            "图片像素过多或无法解码",
            "the image has too many pixels or cannot be decoded",
        ),
    }


def _amounts(app: str) -> dict[str, tuple]:
    """The codes of ``core.money.parse_amount`` for one app."""
    return {
        f"{app}.bad_amount": (
            400,
            "金额不是有效数字或过大",
            "the amount is not a number, or too large",
        ),
        f"{app}.amount_not_positive": (400, "金额须大于 0", "the amount must be positive"),
        f"{app}.too_many_decimals": (
            400,
            "金额最多两位小数（到分）",
            "more than two decimals (fen)",
        ),
    }


CODES: dict[str, Code] = _table(
    {
        # --- generic: the classes' defaults and the API's own answers ---------------------------
        "invalid_input": (
            422,
            "输入不符合接口格式或范围（字段为空、时间格式、数据库约束）",
            "the request does not fit the schema, its bounds or a database constraint",
        ),
        "forbidden": (403, "角色不能进行此操作", "the role may not do this"),
        "not_found": (
            404,
            "对象不存在或不在您的范围内（两者回答相同）",
            "no such object, or out of the user's scope (answered alike)",
        ),
        "conflict": (409, "与已有数据重复或冲突", "clashes with existing data"),
        # --- accounts --------------------------------------------------------------------------
        "accounts.device_confirmed": (
            400,
            "验证器已绑定，请直接验证",
            "the authenticator is already confirmed",
        ),
        "accounts.token_format": (
            400,
            "验证码须为验证器显示的数字",
            "the code is not the authenticator's digits",
        ),
        "accounts.token_throttled": (
            429,
            "验证码错误次数过多，稍后再试",
            "too many wrong codes; wait and retry",
        ),
        "accounts.token_wrong": (400, "验证码不正确或已过期", "the code is wrong or expired"),
        "accounts.unlock_needs_target": (
            400,
            "解锁须指定用户名或网络地址",
            "unlocking needs a username or an address",
        ),
        # --- core ------------------------------------------------------------------------------
        "archive.ratio_too_high": (
            400,
            "压缩包解压比过高（疑似压缩炸弹），未读取",
            "the archive's compression ratio is too high (a zip bomb?)",
        ),
        "archive.too_large": (
            400,
            "压缩包解压后过大，未读取",
            "the archive would unpack too large",
        ),
        "archive.too_many_entries": (
            400,
            "压缩包内文件过多，未读取",
            "the archive holds too many files",
        ),
        "pii.key_missing": (
            409,
            "有个人信息密文使用未配置的密钥，不能轮换",
            "some personal data is encrypted under a key that is not configured",
        ),
        # --- ledger ----------------------------------------------------------------------------
        "ledger.duplicate_compound": (
            400,
            "社区已有同名小区",
            "the community already has a compound of that name",
        ),
        "ledger.duplicate_id_number": (
            400,
            "身份证号已属于另一位居民",
            "the ID number belongs to another resident",
        ),
        "ledger.duplicate_room": (400, "单元已有该房号", "the unit already has that room"),
        "ledger.export_already_decided": (
            409,
            "导出申请已审批过",
            "the export request was already decided",
        ),
        "ledger.export_expired": (
            409,
            "导出批准已超过 24 小时",
            "the export approval is older than 24 hours",
        ),
        "ledger.export_needs_approval": (
            403,
            "导出含个人信息的台账须先申请并经他人批准",
            "an export with personal data needs an approved request",
        ),
        "ledger.export_not_approved": (
            409,
            "导出申请尚未批准",
            "the export request is not approved",
        ),
        "ledger.export_reason_required": (400, "请填写导出事由", "an export needs a reason"),
        "ledger.export_self_approval": (
            403,
            "不能批准自己的导出申请",
            "nobody approves their own export request",
        ),
        "ledger.export_used": (
            409,
            "该导出申请已下载过",
            "the approved export was already downloaded",
        ),
        "ledger.id_number_out_of_scope": (
            409,
            "身份证号已登记在您管辖范围以外（不透露是谁）",
            "the ID number is registered outside the user's scope (nobody is named)",
        ),
        "ledger.invalid_area": (400, "建筑面积不正确", "the floor area is not valid"),
        "ledger.invalid_id_number": (
            400,
            "身份证号不正确（校验位、日期或地区码）",
            "the ID number is not valid (check digit, date, region)",
        ),
        "ledger.invalid_phone": (400, "电话号码不正确", "the phone number is not valid"),
        "ledger.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "ledger.nothing_to_export": (400, "没有可导出的台账", "nothing to export"),
        "ledger.region_code": (
            400,
            "统计用区划代码须为 12 位数字",
            "the statistical region code must be 12 digits",
        ),
        "ledger.region_level": (
            400,
            "下级区域的层级须低于上级",
            "a region must sit below its parent's level",
        ),
        "ledger.region_parent_required": (
            400,
            "除省级外，区域须有上级",
            "every region but a province needs a parent",
        ),
        "ledger.unmask_reason_required": (
            400,
            "查看完整个人信息须填写事由",
            "unmasking needs a reason",
        ),
        # --- grid ------------------------------------------------------------------------------
        "grid.dissolved": (400, "网格已撤销", "the grid cell is dissolved"),
        "grid.empty_plan": (
            400,
            "社区没有可划分的住户",
            "the community has no households to partition",
        ),
        "grid.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "grid.not_a_neighbour": (400, "所选网格不是现行的邻", "the cell is not a current 邻"),
        "grid.other_community": (400, "住户不属于本社区", "a household is outside the community"),
        "grid.overlap": (400, "方案中有住户被划入两个邻", "the plan puts a household in two 邻"),
        "grid.parent_community": (
            400,
            "上级网格不在同一社区",
            "the parent cell is in another community",
        ),
        "grid.parent_level": (
            400,
            "组须属于片、邻须属于组，片没有上级",
            "a 组 belongs to a 片, a 邻 to a 组; a 片 has no parent",
        ),
        "grid.visit_date": (400, "走访日期格式不正确", "the visit date is not a date"),
        "grid.visit_in_future": (400, "走访日期不能晚于今天", "a visit cannot be in the future"),
        "grid.visit_met_required": (400, "请填写见到的人", "say whom the visit met"),
        "grid.visit_mode": (
            400,
            "探访方式须为上门、电话或视频",
            "the visit mode must be in person, phone or video",
        ),
        **_uploads("grid", "照片"),
        # --- party -----------------------------------------------------------------------------
        "party.kind_under_parent": (
            400,
            "该类党组织不能设在所选上级之下",
            "that kind of organisation cannot sit under that parent",
        ),
        "party.member_origin": (
            400,
            "党员须关联居民或联建单位",
            "a member is a resident or a co-building unit's person",
        ),
        "party.member_twice": (
            400,
            "该居民已在其他党组织登记",
            "the resident is already a member elsewhere",
        ),
        "party.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "party.not_joint_branch": (
            400,
            "联建单位只能加入联建党支部",
            "co-building units join joint branches only",
        ),
        "party.theme_day_exists": (
            400,
            "该月主题党日已记录",
            "the month's theme day is already recorded",
        ),
        # --- cases -----------------------------------------------------------------------------
        "cases.bad_channel": (400, "未知的来源渠道", "unknown report channel"),
        "cases.bad_grouping": (400, "统计分组不正确", "unknown grouping for the measures"),
        "cases.bad_satisfaction": (
            400,
            "评价须为满意、基本满意或不满意",
            "the rating must be satisfied, fairly or not",
        ),
        "cases.bad_target": (
            400,
            "上报去向须为部门或五方联席会",
            "escalate to a department or the joint meeting",
        ),
        "cases.bad_transition": (
            409,
            "诉求当前的步骤不允许此操作",
            "the case's current step does not allow this",
        ),
        "cases.bad_unverified": (
            400,
            "只有未登录居民的匿名反映才标记为待核实",
            "only a report nobody signed in for is marked unverified",
        ),
        "cases.bad_urgency": (400, "紧急程度须为一般或紧急", "urgency must be normal or urgent"),
        "cases.client_key_reused": (
            409,
            "提交标识已用于另一条诉求",
            "the client key was used for another case",
        ),
        "cases.compound_not_allowed": (
            403,
            "不能为该小区登记诉求",
            "the user may not report for this compound",
        ),
        "cases.department_required": (
            400,
            "请选择派遣的部门",
            "choose the department to dispatch to",
        ),
        "cases.description_required": (400, "请描述遇到的问题", "describe the problem"),
        "cases.description_too_long": (400, "问题描述过长", "the description is too long"),
        "cases.merge_other_community": (
            400,
            "只能合并同一社区的诉求",
            "only cases of one community merge",
        ),
        "cases.merge_self": (400, "不能把诉求合并到它自己", "a case cannot merge into itself"),
        "cases.merge_target_required": (400, "请选择要并入的诉求", "choose the case to merge into"),
        "cases.not_department_staff": (
            400,
            "该账号不是部门工作人员",
            "the account is not department staff",
        ),
        "cases.not_resolved": (409, "诉求尚未办结，暂不能评价", "the case is not resolved yet"),
        "cases.not_your_case": (
            403,
            "诉求不由您办理或评价",
            "the case is not the user's to act on or rate",
        ),
        "cases.note_required": (400, "请填写说明", "a note is required"),
        "cases.place_mismatch": (400, "住户不在所选小区", "the household is not in the compound"),
        "cases.place_required": (400, "请选择住户或小区", "choose a household or compound"),
        "cases.resident_not_in_household": (
            400,
            "诉求人不是该户居民",
            "the person is not of that household",
        ),
        "cases.stale": (409, "诉求已被他人处理，请刷新", "someone else changed the case; reload"),
        "cases.top_level": (
            409,
            "诉求已在五方联席会，不能再上报",
            "the case is already at the joint meeting",
        ),
        "cases.unknown_action": (404, "未知的诉求操作", "no such case action"),
        "cases.unknown_category": (400, "没有这个诉求类别", "no such category"),
        "cases.unverified": (
            409,
            "楼道码匿名反映须由邻长先核实属实才能办理",
            "an anonymous stairwell report must be verified by the 邻长 first",
        ),
        **_uploads("cases", "照片"),
        "open311.bad_name": (
            400,
            "接口密钥名称须为 1–60 个字符",
            "the API key's name must be 1–60 characters",
        ),
        "open311.name_taken": (409, "已有同名的有效密钥", "a live key has that name"),
        # --- selfgov ---------------------------------------------------------------------------
        "selfgov.already_announced": (
            400,
            "议题已公告表决",
            "the proposal's vote is already announced",
        ),
        "selfgov.already_closed": (400, "表决已计票", "the vote is already tallied"),
        "selfgov.already_voted": (
            400,
            "业主已投票（截止前可改票）",
            "the owner has voted (they may change it before the close)",
        ),
        "selfgov.area_missing": (
            400,
            "有专有部分没有面积，不能计票",
            "some units have no area; the vote cannot count",
        ),
        "selfgov.bad_channel": (400, "投票方式不正确", "unknown ballot channel"),
        "selfgov.bad_choice": (
            400,
            "表决意见须为同意、反对或弃权",
            "the choice must be for, against or abstain",
        ),
        "selfgov.bad_item": (
            400,
            "表决事项不属于第二百七十八条或候选人议题不符",
            "not an art. 278 item, or nominees on the wrong item",
        ),
        "selfgov.bad_nominee": (
            400,
            "候选人不属于本小区或已列入其他议题",
            "the nominee is not of the compound or already on another proposal",
        ),
        "selfgov.bad_notice_days": (
            400,
            "公告提前天数至少为 1 天",
            "notice days must be at least 1",
        ),
        "selfgov.bad_owner": (400, "业主不存在或不属于本小区", "no such owner in the compound"),
        "selfgov.bad_period": (400, "截止表决时间须晚于开始", "the vote must close after it opens"),
        "selfgov.bad_post": (
            400,
            "职务须为主任、副主任或委员",
            "the post must be chair, vice-chair or member",
        ),
        "selfgov.bad_replacement": (
            400,
            "被替换的成员不是现任成员",
            "the member replaced is not a current member",
        ),
        "selfgov.bad_status": (
            400,
            "议题或表决当前状态不允许此操作",
            "the proposal's or vote's state does not allow this",
        ),
        "selfgov.bad_time": (400, "时间格式不正确", "the time is not a time"),
        "selfgov.batch_invalid": (
            400,
            "批量选票有误，全部未录入",
            "a paper-ballot batch has errors; none was entered",
        ),
        "selfgov.body_missing": (400, "请填写议题内容", "the proposal needs a body"),
        "selfgov.duplicate_share": (
            400,
            "该业主已登记为此专有部分的产权人",
            "the owner already holds that unit",
        ),
        "selfgov.no_ballot": (400, "业主尚未投票，无可修改的选票", "no ballot to change"),
        "selfgov.no_units": (400, "台账中没有专有部分", "the compound has no units in the ledger"),
        "selfgov.not_an_owner": (
            403,
            "您不是本次表决名册中的业主",
            "the user is no owner on the vote's roll",
        ),
        "selfgov.not_on_roll": (
            403,
            "业主不在冻结的表决名册中",
            "the owner is not on the frozen roll",
        ),
        "selfgov.not_tallied": (409, "表决尚未截止计票", "the vote is not tallied yet"),
        "selfgov.not_yet_closed": (
            400,
            "表决截止前不能计票",
            "a vote is tallied only after its close",
        ),
        "selfgov.notice_too_short": (400, "表决公告提前天数不足", "the vote is announced too late"),
        "selfgov.other_compound": (
            400,
            "业主与专有部分不在同一小区",
            "the owner and the unit are in different compounds",
        ),
        "selfgov.owner_ambiguous": (
            400,
            "您代表多个业主，请指明",
            "the user acts for several owners; name one",
        ),
        "selfgov.proxy_missing": (
            400,
            "委托投票须登记受托人和委托书编号",
            "a proxy ballot needs the proxy's name and mandate number",
        ),
        "selfgov.reasons_missing": (
            400,
            "推荐理由须写明“四有”",
            "a nomination must state the four qualities",
        ),
        "selfgov.title_missing": (400, "请填写议题名称", "the proposal needs a title"),
        "selfgov.unpublished": (400, "议题尚未公布，不能付诸表决", "the proposal is not published"),
        "selfgov.unsold": (400, "开发商未售房屋", "the unit is the developer's, unsold"),
        "selfgov.vote_closed": (400, "表决已截止，选票不能再投或修改", "the vote has closed"),
        "selfgov.vote_not_open": (400, "表决尚未开始", "the vote has not opened"),
        # --- finance ---------------------------------------------------------------------------
        "finance.already_decided": (
            409,
            "减免或作废申请已审批过",
            "the waiver or void was already decided",
        ),
        "finance.already_voided": (409, "收据已作废", "the receipt is already void"),
        **_amounts("finance"),
        "finance.bad_basis": (400, "计费方式不正确", "unknown charging basis"),
        "finance.bad_group": (400, "统计分组不正确", "unknown grouping for the rates"),
        "finance.bad_kind": (400, "减免类别不正确", "unknown waiver kind"),
        "finance.bad_method": (400, "收款方式不正确", "unknown payment method"),
        "finance.bad_month": (400, "月份格式应为 YYYY-MM", "the month must be YYYY-MM"),
        "finance.bad_months": (400, "账期月数超出范围", "the run's months are out of range"),
        "finance.bad_payer": (
            400,
            "缴费义务人须为业主或开发商",
            "the payer must be owner or developer",
        ),
        "finance.bad_period": (400, "结束月份早于开始月份", "the period ends before it starts"),
        "finance.bad_price": (
            400,
            "单价不正确（须大于 0、最多四位小数）",
            "the unit price is not valid",
        ),
        "finance.bad_scope": (
            400,
            "请选择出账的小区或区域",
            "choose the compound or region to bill",
        ),
        "finance.bad_token": (400, "提交标识过长", "the client token is too long"),
        "finance.bad_use": (400, "房屋用途不正确", "unknown household use"),
        "finance.bad_validity": (400, "执行止早于执行起", "the schedule ends before it starts"),
        "finance.no_area": (400, "该户没有建筑面积，无法按面积计费", "no floor area to bill by"),
        "finance.no_schedule": (
            400,
            "该户没有适用的收费标准，无法预交",
            "no schedule applies; no prepayment",
        ),
        "finance.overpayment": (
            400,
            "收款超过欠费（预交须勾选）",
            "the payment exceeds what is owed",
        ),
        "finance.period_overlap": (
            400,
            "账期与已出账账期重叠",
            "the period overlaps one already billed",
        ),
        "finance.prepay_limit": (400, "预交超过上限", "the prepayment exceeds its limit"),
        "finance.reason_required": (400, "请填写理由", "a reason is required"),
        "finance.schedule_changes_in_period": (
            400,
            "账期内收费标准有变化，须分段出账",
            "the schedule changes inside the period; bill in parts",
        ),
        "finance.schedule_in_use": (
            400,
            "该标准已用于此后账期，不能提前终止",
            "the schedule is billed later; it cannot end earlier",
        ),
        "finance.schedule_overlap": (400, "收费标准执行期重叠", "schedules overlap"),
        "finance.self_approval": (
            403,
            "不能审批自己提出的申请",
            "nobody approves their own request",
        ),
        "finance.token_required": (
            400,
            "缺少提交标识 client_token",
            "the payment needs a client token",
        ),
        "finance.token_reused": (
            409,
            "提交标识已用于另一笔收款",
            "the client token was used for another payment",
        ),
        "finance.void_pending": (
            409,
            "收据已有待审批的作废申请",
            "the receipt already has a pending void",
        ),
        "finance.waiver_exceeds": (
            400,
            "减免超过账单未缴金额",
            "the waiver exceeds what the bill owes",
        ),
        # --- commons ---------------------------------------------------------------------------
        "commons.account_exists": (
            409,
            "小区已开设公共收益账户",
            "the compound already has an account",
        ),
        "commons.already_reversed": (409, "记录已有冲正记录", "the entry is already reversed"),
        **_amounts("commons"),
        "commons.bad_date": (400, "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD"),
        "commons.bad_kind": (400, "收支类别不正确", "unknown entry kind"),
        "commons.bad_quarter": (400, "年度或季度不正确", "the year or quarter is not valid"),
        "commons.bad_reversal": (409, "被冲正的原记录未入账", "the entry reversed is not posted"),
        "commons.bad_status": (400, "状态筛选不正确", "unknown status filter"),
        "commons.counterparty_required": (400, "请填写对方单位或个人", "name the counterparty"),
        "commons.counterparty_too_long": (
            400,
            "对方单位或个人过长",
            "the counterparty is too long",
        ),
        "commons.description_required": (400, "请填写摘要", "the entry needs a description"),
        "commons.description_too_long": (400, "摘要过长", "the description is too long"),
        "commons.display_too_short": (400, "公示期不足", "the notice is displayed too briefly"),
        "commons.future_date": (400, "发生日期晚于今天", "the date is in the future"),
        "commons.not_allowed": (
            403,
            "只有社区工作人员或本小区业委会成员可以录入",
            "only the community's workers or the compound's committee enter",
        ),
        "commons.not_committee": (
            403,
            "只有本小区业委会成员可以发布公示",
            "only the compound's committee publishes",
        ),
        "commons.not_pending": (409, "记录已审核，不能再改", "the entry is no longer pending"),
        "commons.notice_exists": (409, "该季度已公示", "the quarter's notice is already published"),
        "commons.pending_in_period": (
            409,
            "期间内还有待审核的收支",
            "entries of the period still wait for approval",
        ),
        "commons.period_closed": (
            (400, 409),
            "该期间已公示，不能再入账（更正用冲正记录）",
            "the period is published and closed (correct by a reversal)",
        ),
        "commons.quarter_not_over": (400, "季度尚未结束，不能公示", "the quarter is not over"),
        "commons.reason_required": (400, "请填写理由", "a reason is required"),
        "commons.reason_too_long": (400, "理由过长", "the reason is too long"),
        "commons.reverse_before_original": (
            400,
            "冲正日期早于原记录",
            "the reversal predates the entry",
        ),
        "commons.reverse_not_posted": (
            409,
            "只能冲正已入账的记录",
            "only posted entries are reversed",
        ),
        "commons.reverse_reversal": (409, "冲正记录不能再被冲正", "a reversal is not reversed"),
        "commons.self_approval": (403, "不能审核自己录入的记录", "nobody approves their own entry"),
        "commons.too_many_vouchers": (400, "凭证个数超过上限", "too many vouchers"),
        "commons.vouchers_required": (400, "请选择凭证文件", "choose the voucher files"),
        **_uploads("commons", "凭证"),
        # --- meetings --------------------------------------------------------------------------
        "meetings.action_cancelled": (409, "事项已取消，不能办结", "the action is cancelled"),
        "meetings.action_closed": (409, "事项已办结或取消", "the action is closed"),
        "meetings.agenda_empty": (
            400,
            "议题须关联小区、诉求或问题描述",
            "an agenda item needs a compound, case or problem",
        ),
        "meetings.agenda_other_meeting": (
            400,
            "所选议题不属于本次会议",
            "the agenda item is of another meeting",
        ),
        "meetings.bad_choice": (400, "选项无效", "not one of the allowed values"),
        "meetings.bad_date": (400, "请填写日期", "a date is required"),
        "meetings.bad_region": (
            400,
            "五方联席会须在社区或镇召开",
            "a joint meeting is held by a community or town",
        ),
        "meetings.case_compound": (
            400,
            "诉求与议题小区不符",
            "the case is of another compound than the item",
        ),
        "meetings.case_outside": (
            400,
            "诉求不属于会议区域",
            "the case is outside the meeting's region",
        ),
        "meetings.compound_outside": (
            400,
            "小区不在会议区域",
            "the compound is outside the meeting's region",
        ),
        "meetings.deadline_before_meeting": (
            400,
            "完成时限早于会议日期",
            "the deadline predates the meeting",
        ),
        "meetings.department_party": (
            400,
            "职能部门须以县直部门为责任方或参会方",
            "a department takes part as a county department",
        ),
        "meetings.required": (400, "必填项未填", "a required field is empty"),
        "meetings.too_long": (400, "内容过长", "the text is too long"),
        "meetings.unknown_department": (400, "职能部门不存在", "no such department"),
        # --- care ------------------------------------------------------------------------------
        "care.already_ended": (409, "关爱对象已退出名册", "the person has left the registry"),
        "care.already_registered": (
            409,
            "居民已在关爱名册中",
            "the resident is already registered",
        ),
        "care.bad_level": (400, "层级须为片、组或邻", "the level must be 片, 组 or 邻"),
        "care.bad_tier": (400, "探访分级须为高风险、重点或一般", "unknown tier"),
        "care.category_required": (400, "请至少选择一个关爱类别", "choose at least one category"),
        "care.end_reason_required": (400, "请填写退出原因", "leaving needs a reason"),
        "care.event_in_future": (
            400,
            "发布时间不能晚于现在",
            "an event cannot be declared in the future",
        ),
        "care.event_kind": (400, "请选择事件类型", "choose the event kind"),
        "care.event_title": (400, "请填写事件标题", "the event needs a title"),
        "care.forbidden": (403, "角色不能办理此关爱事项", "the role may not do this in care"),
        "care.need_required": (400, "转为诉求前请填写需求", "a follow-up case needs the need"),
        "care.override_reason_required": (
            400,
            "调整分级须填写理由",
            "overriding the tier needs a reason",
        ),
        "care.partner_inactive": (400, "结对账号已停用", "the partner's account is inactive"),
        "care.partner_kind": (
            400,
            "结对类型须为党员或志愿者",
            "the partner is a party member or volunteer",
        ),
        "care.recipient_required": (400, "请选择探访的关爱对象", "choose whom the visit is for"),
        "care.text_too_long": (400, "文字过长", "the text is too long"),
        "care.unknown_category": (400, "没有这个关爱类别", "no such category"),
        "care.visit_one_household": (
            400,
            "一次探访只记录同一户的关爱对象",
            "one visit is for one household's people",
        ),
        # --- volunteers ------------------------------------------------------------------------
        "volunteers.already_checked_in": (409, "已签到过该班次", "already checked in"),
        "volunteers.already_registered": (
            409,
            "已登记为志愿者或账号已关联",
            "already a volunteer, or the login is linked",
        ),
        "volunteers.already_signed_up": (409, "已报名该班次", "already signed up"),
        "volunteers.bad_action": (400, "action 须为 in 或 out", "the action must be in or out"),
        "volunteers.bad_hours": (
            400,
            "服务时长不是数字或须大于 0",
            "the hours are not a positive number",
        ),
        "volunteers.bad_item": (
            400,
            "兑换物品的名称、积分或库存不正确",
            "the reward item's name, points or stock is not valid",
        ),
        "volunteers.bad_period": (
            400,
            "证明期间的止日早于起日",
            "the period ends before it starts",
        ),
        "volunteers.bad_places": (400, "名额至少为 1", "at least one place"),
        "volunteers.bad_points": (400, "奖励积分不能为负", "award points cannot be negative"),
        "volunteers.bad_quantity": (400, "兑换数量至少为 1", "redeem at least one"),
        "volunteers.bad_rrule": (
            400,
            "重复规则无法识别或没有日期",
            "the recurrence rule is not valid or gives no date",
        ),
        "volunteers.bad_substitute": (
            400,
            "替补人不正确（本人或非本社区志愿者）",
            "the substitute is not valid",
        ),
        "volunteers.bad_time": (400, "时间格式不对", "the time is not a time"),
        "volunteers.bad_token": (400, "签到码无效或班次已取消", "the check-in code is not valid"),
        "volunteers.checkin_closed": (
            409,
            "班次已结束，请联系组织人补记",
            "the shift is over; ask the organiser",
        ),
        "volunteers.checkin_not_open": (409, "签到尚未开始", "check-in has not opened"),
        "volunteers.checkout_before_checkin": (
            400,
            "签退时间须晚于签到时间",
            "check-out must follow check-in",
        ),
        "volunteers.correction_decided": (
            409,
            "更正申请已处理",
            "the correction is already decided",
        ),
        "volunteers.correction_pending": (
            409,
            "已有更正申请待处理",
            "a correction is already pending",
        ),
        "volunteers.declined": (409, "报名已被婉拒", "the sign-up was declined"),
        "volunteers.duplicate_entry": (
            400,
            "名单中有重复的志愿者",
            "a volunteer is twice on the roll",
        ),
        "volunteers.duplicate_team": (
            409,
            "社区已有同名队伍",
            "the community has a team of that name",
        ),
        "volunteers.forbidden": (
            403,
            "只有本社区工作人员可以办理",
            "only the community's workers may do this",
        ),
        "volunteers.hours_beyond_shift": (
            400,
            "服务时长超过班次时长",
            "the hours exceed the shift",
        ),
        "volunteers.insufficient_points": (409, "积分不足", "not enough points"),
        "volunteers.missing_issuer": (
            400,
            "证明须填写负责人、经办人和联系电话",
            "a certificate names its issuer's people and phone",
        ),
        "volunteers.missing_name": (400, "请填写姓名或队名", "a name is required"),
        "volunteers.missing_place": (400, "请填写活动地点", "the activity needs a place"),
        "volunteers.missing_reason": (400, "请填写理由", "a reason is required"),
        "volunteers.missing_title": (400, "请填写名称", "a title is required"),
        "volunteers.no_service": (
            400,
            "该期间没有已确认的服务记录",
            "no approved service in the period",
        ),
        "volunteers.no_shifts": (400, "活动至少要有一个班次", "an activity needs a shift"),
        "volunteers.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "volunteers.not_a_volunteer": (
            (403, 404),
            "尚未登记为志愿者",
            "the user is not a registered volunteer",
        ),
        "volunteers.not_checked_in": (409, "尚未签到，不能签退", "not checked in"),
        "volunteers.not_in_community": (
            400,
            "不是本社区的居民、队伍、单位或志愿者",
            "not of this community",
        ),
        "volunteers.not_organiser": (
            403,
            "只有活动组织人或社区工作人员可以记录和确认",
            "only the organiser or the community's workers record",
        ),
        "volunteers.not_your_record": (
            403,
            "只能对本人的服务记录申请更正",
            "only one's own record is corrected",
        ),
        "volunteers.out_of_stock": (409, "兑换物品库存不足", "the item is out of stock"),
        "volunteers.record_approved": (
            409,
            "记录已确认，只能申请更正",
            "the record is approved; ask for a correction",
        ),
        "volunteers.record_state": (
            409,
            "服务记录当前状态不允许此操作",
            "the record's state does not allow this",
        ),
        "volunteers.resident_or_unit": (
            400,
            "志愿者须是居民或联建单位人员（二选一）",
            "a volunteer is a resident or a unit's person",
        ),
        "volunteers.rrule_too_long": (
            400,
            "重复规则展开后次数过多",
            "the rule expands to too many shifts",
        ),
        "volunteers.self_approval": (
            403,
            "不能确认本人的服务时长",
            "nobody approves their own hours",
        ),
        "volunteers.shift_cancelled": (409, "班次已取消", "the shift is cancelled"),
        "volunteers.shift_ends_before_start": (
            400,
            "班次结束时间须晚于开始时间",
            "the shift ends before it starts",
        ),
        "volunteers.shift_full": (409, "班次名额已满", "the shift is full"),
        "volunteers.shift_not_started": (409, "班次尚未开始", "the shift has not started"),
        "volunteers.shift_started": (409, "班次已开始", "the shift has started"),
        "volunteers.shift_too_long": (
            400,
            "一个班次不能超过 24 小时",
            "a shift is at most 24 hours",
        ),
        "volunteers.signup_state": (
            409,
            "报名当前状态不允许此操作",
            "the sign-up's state does not allow this",
        ),
        "volunteers.token_expired": (400, "签到码已过期", "the check-in code has expired"),
        "volunteers.unapproved_records": (
            409,
            "期间内有未确认的服务记录，不能出具证明",
            "the period has unapproved records",
        ),
        # --- civility --------------------------------------------------------------------------
        "civility.already_nominated": (409, "该户或楼栋已被提名", "already nominated"),
        "civility.already_voted": (409, "本户已投过票（每户一票）", "the household has voted"),
        "civility.bad_criterion": (400, "评分项不属于本类评选", "the criterion is of another kind"),
        "civility.bad_kind": (400, "评选类别不正确", "unknown kind"),
        "civility.bad_points": (400, "得分超出该项范围", "the points are out of the line's range"),
        "civility.bad_vote_window": (400, "投票时间不正确", "the vote window is not valid"),
        "civility.below_threshold": (
            409,
            "得分未达到公示标准",
            "the score is below the publicity threshold",
        ),
        "civility.decided": (409, "提名已有结果", "the nomination is already decided"),
        "civility.forbidden": (
            403,
            "角色不能办理此评选事项",
            "the role may not do this in civility",
        ),
        "civility.missing_building": (400, "星级楼栋请选择楼栋", "choose a building"),
        "civility.missing_date": (400, "请填写提名截止日期", "the nomination deadline is required"),
        "civility.missing_household": (400, "请选择户", "choose a household"),
        "civility.missing_nominee_name": (400, "社区好人请填写姓名", "name the good person"),
        "civility.missing_note": (400, "请填写处理意见或理由", "a note is required"),
        "civility.missing_points": (400, "有评分项未打分", "a line has no points"),
        "civility.missing_reason": (
            400,
            "请填写理由（至少 5 字）",
            "a reason is required (5 characters or more)",
        ),
        "civility.no_criteria": (
            400,
            "该类评选还没有启用的评分细则",
            "the kind has no active criteria",
        ),
        "civility.no_vote": (409, "该评选不设居民投票", "the campaign has no vote"),
        "civility.nominations_closed": (409, "提名已截止", "nominations have closed"),
        "civility.nominee_out_of_scope": (
            404,
            "户或楼栋不存在或不在可提名范围内",
            "no such household or building within reach",
        ),
        "civility.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "civility.not_a_nominator": (
            403,
            "只有居民或三长可以提名",
            "only residents and the 三长 nominate",
        ),
        "civility.not_a_voter": (
            403,
            "只有登记了住户的本社区居民可以投票",
            "only residents with a household here vote",
        ),
        "civility.not_found": (
            404,
            "评选、提名或社区不存在或无权查看",
            "no such campaign, nomination or community in scope",
        ),
        "civility.not_in_publicity": (
            409,
            "不在公示期内，不能提出异议",
            "not on publicity; no objection",
        ),
        "civility.not_on_ballot": (
            409,
            "只有已评分的提名可以投票",
            "only scored nominations are voted on",
        ),
        "civility.not_publicised": (
            409,
            "只有公示期满的提名可以授予",
            "only nominations after publicity are awarded",
        ),
        "civility.not_scorable": (
            409,
            "提名已有结果，不能再评分",
            "the nomination can no longer be scored",
        ),
        "civility.not_scored": (
            409,
            "只有已评分的提名可以公示",
            "only scored nominations go on publicity",
        ),
        "civility.not_the_scorer": (
            403,
            "只有所在组、片的组长或片长可以评分",
            "only the cell's 组长 or 片长 scores",
        ),
        "civility.objection_decided": (409, "异议已处理", "the objection is already decided"),
        "civility.open_objection": (409, "有未处理的公示异议", "an objection is open"),
        "civility.publicity_not_over": (409, "公示期未满", "publicity is not over"),
        "civility.too_long": (400, "文字过长", "the text is too long"),
        "civility.vote_closed": (409, "不在投票时间内", "outside the vote window"),
        "civility.vote_not_over": (409, "投票结束后才能公示", "the vote is not over"),
        # --- infra -----------------------------------------------------------------------------
        "infra.acceptance_required": (
            400,
            "完成前须由居民代表验收（填写验收意见）",
            "done needs the residents' representatives' acceptance",
        ),
        "infra.actual_missing": (
            400,
            "验收前须登记实际支出",
            "the actual spending is recorded before inspection",
        ),
        **_amounts("infra"),
        "infra.bad_date": (400, "日期应为 YYYY-MM-DD", "the date is not YYYY-MM-DD"),
        "infra.bad_found_by": (
            400,
            "发现途径须为摸排、居民诉求或五方联席会",
            "found by must be a survey, a case or the joint meeting",
        ),
        "infra.bad_kind": (400, "没有这个问题类别", "no such problem kind"),
        "infra.bad_level": (
            400,
            "统计层级须为小区、社区、街道或区县",
            "the level must be compound, community, town or county",
        ),
        "infra.bad_phase": (
            400,
            "照片类型须为问题、施工前或完工后",
            "the photo phase must be problem, before or after",
        ),
        "infra.bad_source": (400, "没有这个资金来源", "no such funding source"),
        "infra.bad_stage": (
            (400, 409),
            "没有这个阶段（400），或问题当前阶段不允许此操作（409）",
            "no such stage (400), or the problem's stage does not allow this (409)",
        ),
        "infra.budget_missing": (400, "立项前须填写预算", "approval needs a budget"),
        "infra.case_elsewhere": (
            400,
            "关联的诉求不属于本小区",
            "the linked case is not of this compound",
        ),
        "infra.case_required": (
            400,
            "由居民诉求发现的问题须关联诉求",
            "a problem found by a case must link the case",
        ),
        "infra.counterparty_required": (
            400,
            "请填写对方单位",
            "the counterparty is required",
        ),
        "infra.department_missing": (
            400,
            "立项前须确定责任部门",
            "approval needs a responsible department",
        ),
        "infra.description_required": (400, "请填写情况", "the description is required"),
        "infra.duplicate_source": (
            400,
            "资金来源重复",
            "a funding source is given twice",
        ),
        "infra.entry_already_posted": (
            409,
            "公共收益支出已入账待审或已审核",
            "the public-income spending is already posted",
        ),
        "infra.entry_not_posted": (
            409,
            "还不能实施：公共收益支出尚未入账",
            "not yet implementable: the public-income spending is not posted",
        ),
        "infra.entry_pending": (
            409,
            "还不能实施：公共收益支出待业委会审核",
            "not yet implementable: the spending awaits the committee's review",
        ),
        "infra.entry_rejected": (
            409,
            "还不能实施：公共收益支出被驳回，须重新入账",
            "not yet implementable: the spending was rejected; post it again",
        ),
        "infra.forbidden": (403, "当前角色无权管理小区对策", "the role may not manage plans"),
        "infra.funding_mismatch": (
            400,
            "资金来源合计与预算不符",
            "the funding shares do not add up to the budget",
        ),
        "infra.future_date": (400, "发现日期晚于今天", "the date found is in the future"),
        "infra.location_required": (400, "请填写位置", "the location is required"),
        "infra.locked_after_approval": (
            409,
            "问题已立项，措施、部门、预算和资金不能再改",
            "after approval, measure, department, budget and funding are fixed",
        ),
        "infra.measure_missing": (400, "立项前须填写对策措施", "approval needs a measure"),
        "infra.measure_required": (400, "请填写对策措施", "the measure is required"),
        "infra.meeting_elsewhere": (
            400,
            "关联的联席会不是为本小区所在区域召开的",
            "the linked joint meeting is not for this compound's area",
        ),
        "infra.meeting_required": (
            400,
            "由五方联席会发现的问题须关联会议",
            "a problem found by the joint meeting must link the meeting",
        ),
        "infra.no_plan": (400, "请先建立本小区的对策", "the compound has no plan yet"),
        "infra.no_public_account": (
            400,
            "小区尚未开设公共收益账户，不能从公共收益支出",
            "the compound has no public-income account",
        ),
        "infra.no_such_share": (
            400,
            "该问题没有这个资金来源",
            "the problem has no share from that source",
        ),
        "infra.note_required": (400, "请填写说明", "a note is required"),
        "infra.opinion_required": (400, "请填写验收意见", "the acceptance opinion is required"),
        "infra.photos_required": (400, "请选择照片", "choose photos"),
        "infra.plan_exists": (409, "该小区已有对策", "the compound already has a plan"),
        "infra.representatives_required": (
            400,
            "验收须有至少 2 名居民代表签名",
            "acceptance needs at least two residents' representatives",
        ),
        "infra.share_locked": (
            409,
            "该资金来源已提请业主表决或已入公共收益账，金额不能再改",
            "the share is already put to the vote or posted; its amount is fixed",
        ),
        "infra.stage_backwards": (
            409,
            "问题不能回到或停在已过的阶段",
            "the problem cannot go back to or stay at a past stage",
        ),
        "infra.stage_skipped": (409, "不能跳过阶段", "a stage cannot be skipped"),
        "infra.stale": (
            409,
            "该问题刚被别人更新过，请刷新后再操作",
            "someone else changed the problem; reload",
        ),
        "infra.text_too_long": (400, "文字过长", "the text is too long"),
        "infra.title_required": (400, "请填写问题", "the problem's title is required"),
        **_uploads("infra", "照片"),
        "infra.vote_already_opened": (
            409,
            "维修资金已提请业主表决",
            "the maintenance fund is already put to the owners' vote",
        ),
        "infra.vote_failed": (
            409,
            "还不能实施：维修资金业主表决未通过",
            "not yet implementable: the owners' vote on the fund failed",
        ),
        "infra.vote_not_opened": (
            409,
            "还不能实施：维修资金尚未提请业主表决",
            "not yet implementable: the fund is not put to the owners' vote",
        ),
        "infra.vote_pending": (
            409,
            "还不能实施：维修资金业主表决尚未计票",
            "not yet implementable: the owners' vote is not counted yet",
        ),
        "infra.withdrawn": (
            409,
            "还不能实施：维修资金议题已撤回，须重新提请表决",
            "not yet implementable: the fund proposal was withdrawn",
        ),
        # --- jobs ------------------------------------------------------------------------------
        "jobs.already_applied": (
            409,
            "已推荐过这个岗位",
            "the seeker is already recommended for the posting",
        ),
        "jobs.already_enrolled": (409, "已报名这门课程", "already enrolled in the course"),
        "jobs.bad_amount": (
            400,
            "金额不正确（须为正数、不超上限、最多两位小数，上限不低于起薪）",
            "the amount is not valid (range, two decimals, max below min)",
        ),
        "jobs.bad_capacity": (400, "课程名额须在 1 至 10000 之间", "capacity must be 1 to 10000"),
        "jobs.bad_credit_code": (
            400,
            "统一社会信用代码不正确",
            "the unified social credit code is not valid",
        ),
        "jobs.bad_dates": (
            400,
            "截止日期未填或早于发布日期",
            "the closing date is missing or before the posting date",
        ),
        "jobs.bad_days": (
            400,
            "工作日须为 1（周一）到 7（周日）",
            "work days must be 1 (Monday) to 7 (Sunday)",
        ),
        "jobs.bad_employment_type": (400, "没有这种用工形式", "no such employment type"),
        "jobs.bad_hours": (
            400,
            "上下班时间格式不对、未同时填写或下班不晚于上班",
            "the hours are malformed, half given, or end before start",
        ),
        "jobs.bad_kind": (400, "没有这种单位类型", "no such employer kind"),
        "jobs.bad_openings": (
            400,
            "招聘人数须为 1 至 10000 的整数",
            "openings must be a whole number from 1 to 10000",
        ),
        "jobs.bad_orders": (400, "订单数不正确", "the order count is not valid"),
        "jobs.bad_phone": (400, "联系电话不正确", "the contact phone is not valid"),
        "jobs.bad_salary_unit": (
            400,
            "薪酬单位须为 元/小时、元/天 或 元/月",
            "the pay unit must be per hour, day or month",
        ),
        "jobs.bad_sessions": (400, "课次不能早于开课日期", "a session is before the course starts"),
        "jobs.bad_stage": (400, "没有这个进度", "no such application stage"),
        "jobs.bad_step": (
            409,
            "当前进度之后不能直接到所选进度",
            "the application cannot move to that stage from its current one",
        ),
        "jobs.bad_window": (
            400,
            "空闲时段格式不对，应如 1-5 08:00-11:30",
            "an availability window is malformed (like 1-5 08:00-11:30)",
        ),
        "jobs.compound_elsewhere": (
            400,
            "小区不在用人单位所在社区",
            "the compound is not in the employer's community",
        ),
        "jobs.compound_required": (
            400,
            "社会化物业须选择服务的小区",
            "a property-service employer needs its compound",
        ),
        "jobs.course_full": (409, "课程名额已满", "the course is full"),
        "jobs.employer_exists": (
            409,
            "该单位已在本社区登记",
            "the employer is already registered in the community",
        ),
        "jobs.forbidden": (403, "当前角色无权办理就业服务", "the role may not do this"),
        "jobs.no_openings": (409, "该岗位已招满", "the posting has no openings left"),
        "jobs.not_a_community": (400, "所选区域不是社区", "the region is not a community"),
        "jobs.not_a_maker": (409, "该求职者不是电商创客", "the seeker is not an e-commerce maker"),
        "jobs.not_enrolled": (
            400,
            "有人没有报名这门课程",
            "someone marked present is not enrolled",
        ),
        "jobs.posting_closed": (409, "该岗位已停止招聘", "the posting is closed"),
        "jobs.required": (400, "必填项未填写", "a required field is empty"),
        "jobs.seeker_exists": (409, "该居民已登记求职", "the resident is already a seeker"),
        "jobs.seeker_inactive": (409, "该求职者已停止求职", "the seeker is no longer looking"),
        "jobs.text_too_long": (400, "文字过长", "the text is too long"),
        "jobs.time_clash": (
            409,
            "与已上岗岗位的工作时间冲突",
            "the hours clash with a job the seeker already holds",
        ),
        "jobs.too_many_skills": (400, "技能项数超过上限", "too many skills"),
        # --- stairwell -------------------------------------------------------------------------
        "stairwell.rate_limited": (
            429,
            "这台手机或这个网络反映次数过多，请稍后再试",
            "too many reports from this phone or network; wait and retry",
        ),
        # --- services (便民服务, 就近办) ---------------------------------------------------
        "services.bad_choice": (
            400,
            "取值不在可选项中（受理范围、材料形式等）",
            "a value outside its choices (applicant scope, document form …)",
        ),
        "services.bad_code": (
            400,
            "事项编码只能由字母、数字和“-”组成，3 到 40 位",
            "an item code of other characters or length",
        ),
        "services.bad_date": (
            400,
            "开放时间的起始日期不是 YYYY-MM-DD",
            "an opening-hours start date not in YYYY-MM-DD",
        ),
        "services.bad_document": (
            400,
            "一项所需材料缺少名称、形式或份数",
            "a required document without name, form or copies",
        ),
        "services.bad_documents": (
            400,
            "所需材料不是列表",
            "required documents not given as a list",
        ),
        "services.bad_fee": (400, "收费标准不是金额", "the fee is not an amount"),
        "services.bad_hours": (400, "开放时间不是列表", "opening hours not given as a list"),
        "services.bad_hours_line": (
            400,
            "一条开放时间缺少规则或时间",
            "an opening-hours line without its rule or times",
        ),
        "services.bad_item_codes": (
            400,
            "可办事项不是事项编码列表",
            "the items offered not given as a list of codes",
        ),
        "services.bad_limit": (
            400,
            "就近办的数量超出范围",
            "the number of nearest points asked for is out of range",
        ),
        "services.bad_organization": (
            400,
            "网点的运营机构无效或不在辖区",
            "the point's organisation is unknown or out of the region",
        ),
        "services.bad_steps": (400, "办理程序不是步骤列表", "the steps not given as a list"),
        "services.coordinates_together": (
            400,
            "经纬度须同时填写",
            "latitude and longitude must be given together",
        ),
        "services.fee_negative": (400, "收费标准不能为负数", "a negative fee"),
        "services.fee_too_large": (400, "收费标准过大", "the fee is too large"),
        "services.invalid_field": (
            400,
            "字段不符合要求（长度、格式）",
            "a field breaks the model's checks (length, format)",
        ),
        "services.not_an_integer": (
            400,
            "应为整数（时限、到现场次数、份数）",
            "not an integer (time limit, visits, copies)",
        ),
        "services.out_of_range": (400, "数字超出允许范围", "a number out of its range"),
        "services.point_required": (
            400,
            "就近办须给出小区或坐标",
            "nearest points need a compound or coordinates",
        ),
        "services.region_required": (400, "未选择所属行政区", "no region chosen"),
        "services.required": (400, "必填项未填写", "a required field is empty"),
        "services.text_too_long": (400, "文字超过长度上限", "a text is too long"),
        "services.too_many_decimals": (400, "收费标准超过两位小数", "a fee below the fen"),
        "services.too_many_documents": (400, "所需材料项数超过上限", "too many required documents"),
        "services.too_many_hours": (400, "开放时间条数超过上限", "too many opening-hours lines"),
        "services.too_many_steps": (400, "办理程序步数超过上限", "too many steps"),
        "services.unknown_field": (400, "有不认识的字段", "an unknown field"),
        "services.duplicate": (
            409,
            "本区域已有同名的机构或网点",
            "the region already has one of that name",
        ),
        "services.duplicate_code": (
            409,
            "事项编码已被使用",
            "the service item code is already used",
        ),
        "services.invalid_coordinates": (
            400,
            "经纬度未填、不是数字或超出范围（WGS-84）",
            "the coordinates are missing, not numbers or out of range (WGS-84)",
        ),
        "services.invalid_hours": (
            400,
            "时间应为 HH:MM，且结束须晚于开始",
            "a time is not HH:MM, or closing is not after opening",
        ),
        "services.invalid_rrule": (
            400,
            "开放时间规则无法使用（须为一条每周或每月的 RFC 5545 规则）",
            "the opening rule is unusable (one weekly or monthly RFC 5545 rule)",
        ),
        "services.no_coordinates": (
            400,
            "小区还没有登记坐标，请改用地图选点",
            "the compound has no coordinates; pick a point on the map",
        ),
        "services.unknown_item": (400, "没有这些事项编码", "no service items with those codes"),
        # --- indicators ------------------------------------------------------------------------
        "indicators.bad_period": (
            400,
            "期间应为 YYYY-MM，如 2026-05",
            "the period must be YYYY-MM",
        ),
        "indicators.bad_region": (
            400,
            "区划代码应为 12 位数字",
            "the region code must be 12 digits",
        ),
    }
)


# ---------------------------------------------------------------- the docs table

BEGIN = "<!-- error-codes:begin (generated by `python -m linli.core.error_codes --write`) -->"
END = "<!-- error-codes:end -->"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def _where(modules: list[str]) -> str:
    return ", ".join(f"`{m.removesuffix('.py')}`" for m in modules)


def markdown() -> str:
    """The docs table: every registered code with its status, meaning and where it arises."""
    from .error_scan import codes as scanned

    found = scanned()
    lines = [
        BEGIN,
        "| code | HTTP | 含义 | meaning | where |",
        "|---|---|---|---|---|",
    ]
    for code, entry in sorted(CODES.items()):
        status = "/".join(str(s) for s in entry.statuses)
        where = _where(found[code]["where"]) if code in found else ""
        lines.append(f"| `{code}` | {status} | {entry.zh} | {entry.en} | {where} |")
    lines.append(END)
    return "\n".join(lines) + "\n"


def docs_section(text: str) -> str | None:
    match = re.search(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n", text, re.S)
    return match.group(0) if match else None


def main(argv: list[str]) -> int:
    table = markdown()
    if "--write" not in argv:
        sys.stdout.write(table)
        return 0
    text = DOCS.read_text(encoding="utf-8")
    current = docs_section(text)
    if current is None:
        sys.stderr.write(f"{DOCS}: no {BEGIN} … {END} section\n")
        return 1
    DOCS.write_text(text.replace(current, table), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
