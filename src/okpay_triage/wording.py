"""Every sentence and label the library itself says, in English and Chinese: one table.

Tree texts are the trees' own; everything else a user or a support agent reads (answer
messages, packet sentences, packet headings, the command line's words, names of the kinds of
personal data) is here, keyed by a dotted name, as an ``(en, zh)`` pair. A test checks that
every entry has both languages and the same ``{placeholders}`` in each.

Keys: plain names are the session's messages; ``kind.*`` name kinds of personal data;
``packet.*`` are the packet's sentences; ``label.*`` its headings and labels; ``cli.*`` the
command line's words.

It runs over 400 lines by design: one table is what makes completeness checkable, and
splitting it by stage would bring back the four tables it replaced.
"""

from __future__ import annotations

from datetime import datetime

from .types import Lang, lang_index

WORDS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ session messages
    "empty-answer": (
        "Please choose one of the options: {options}",
        "请选择以下选项之一：{options}",
    ),
    "no-such-option": (
        "“{answer}” is not one of the options. Please choose: {options}",
        "“{answer}”不是可选的答案。请选择：{options}",
    ),
    "finished": (
        "This session has already reached its result; start a new one to begin again.",
        "本次诊断已得出结果；如需重新开始，请新建一次诊断。",
    ),
    "replayed": (
        "This session was saved under version {old} of this tree; its answers were replayed "
        "on version {new}, where they still fit.",
        "本次诊断保存于此诊断流程的 {old} 版；已按 {new} 版重新核对之前的回答，均仍适用。",
    ),
    "nothing-to-undo": (
        "There is no earlier answer to go back to.",
        "已经是第一步，没有可以返回的回答。",
    ),
    "required": (
        "This step needs an answer.",
        "此步骤需要填写。",
    ),
    "unsure-required": (
        "This step needs an answer to go on: support needs it to act on the case. Please "
        "enter what you can find or remember.",
        "这一步需要填写后才能继续，客服处理时需要这项信息。请尽量查找或回忆后填写。",
    ),
    "unsure-required.money": (
        "This step needs an answer to go on. If you do not remember the exact amount, an "
        "approximate one will do, for example “about 300 yuan”.",
        "这一步需要填写后才能继续。记不清确切金额的，填一个大概的数也可以，例如“约300元”。",
    ),
    "cannot-skip": (
        "This step cannot be skipped: support needs it to act on the case.",
        "此步骤不能跳过：客服需要这项信息才能处理。",
    ),
    "secret-removed": (
        "Your answer looked like it contained a {kinds}. It was removed and not kept: "
        "never share it with anyone, including support.",
        "您的回答中似乎包含{kinds}，已删除且不会保存。请勿向任何人（包括客服）透露。",
    ),
    "masked": (
        "Personal data in your answer ({kinds}) was masked before it was kept.",
        "您回答中的个人信息（{kinds}）已在保存前做了遮盖处理。",
    ),
    "describe": (
        "This step asks for a few words in your own words, not an option number; please "
        "describe it, or skip it if that is offered.",
        "这一步请用自己的话简单描述，而不是填写选项编号；如可跳过，也可以跳过。",
    ),
    "too-long": (
        "Please keep this answer to {limit} characters or fewer; it was not saved.",
        "这一项请控制在 {limit} 个字符以内；本次回答未保存。",
    ),
    "cut": (
        "Your answer was very long and was shortened to {limit} characters.",
        "您的回答过长，已截取前 {limit} 个字符。",
    ),
    "bad-id": (
        "Please enter the {label} as shown in the app: 4 to 64 letters, digits, or . _ : -",
        "请按 App 中显示的内容填写{label}：4 至 64 位字母、数字或 . _ : -",
    ),
    "hint.money-approx": (
        "An approximate amount such as “about 1,000” is fine",
        "记不清的话写大概金额也可以，例如“约1000元”“一千多”",
    ),
    "bad-money": (
        "Please enter an amount greater than zero with at most two decimal places and a "
        "currency, for example 128.50 CNY.",
        "请输入大于零、最多两位小数的金额并注明币种，例如 128.50 CNY。",
    ),
    "bad-money.bare": (
        "Please enter an amount greater than zero with at most two decimal places, for "
        "example 128.50 (an amount without a currency is taken as {currency}).",
        "请输入大于零、最多两位小数的金额，例如 128.50（不写币种的按 {currency} 计）。",
    ),
    "bad-money.zero": (
        "Please enter an amount with at most two decimal places, for example 5 or 5.50 (an "
        "amount without a currency is taken as {currency}); if no fee was charged or shown, "
        "enter 0.",
        "请输入最多两位小数的金额，例如 5 或 5.50（不写币种的按 {currency} 计）；"
        "没有收费或没有显示费用的，请输入0。",
    ),
    "bad-money.zero-currency": (
        "Please enter an amount with at most two decimal places and its currency, for "
        "example 5.50 CNY; if no fee was charged or shown, enter 0 and the currency, such as "
        "0 CNY.",
        "请输入最多两位小数的金额并注明币种，例如 5.50 CNY；没有收费或没有显示费用的，"
        "请输入0并注明币种，例如 0 CNY。",
    ),
    "bad-currency": (
        "Please add the currency, one of: {currencies}.",
        "请注明币种，可选：{currencies}。",
    ),
    "bad-datetime": (
        "Please enter a real date and time, for example 2026-11-20 14:30, yesterday 3pm or "
        '2 hours ago; if you are not sure, answer "I don\'t remember".',
        "请输入有效的日期和时间，例如 2026-11-20 14:30、昨天下午3点或 2小时前；如果记不清，"
        "可以回答“不记得了”。",
    ),
    "need-zone": (
        "Please add the time zone, for example 2026-11-20 14:30 +08:00.",
        "请注明时区，例如 2026-11-20 14:30 +08:00。",
    ),
    "not-before": (
        "That is before the {other} you gave ({when}); please check the date.",
        "该时间早于您填写的{other}（{when}），请核对日期。",
    ),
    "shown.beijing": ("Beijing time", "北京时间"),
    "shown.about": ("about {when}", "约 {when}"),
    "shown.unknown": ("not remembered", "不记得"),
    "future": (
        "That time is in the future; please check the date.",
        "该时间晚于当前时间，请核对日期。",
    ),
    "bad-email": (
        "Please enter an email address such as name@example.com.",
        "请输入邮箱地址，例如 name@example.com。",
    ),
    "bad-phone": (
        "Please enter a phone number, for example 138 1234 5678 or +44 20 7946 0958.",
        "请输入手机号码，例如 138 1234 5678 或 +44 20 7946 0958。",
    ),
    "bad-account": (
        "Please enter the mobile number or the email address the account is registered "
        "with: an 11-digit mainland mobile starting with 1, another country's number "
        "starting with + and its code, or the whole email address.",
        "请输入账户注册时使用的手机号码或邮箱地址：以 1 开头的 11 位手机号、以 + 和区号开头的"
        "境外号码，或完整的邮箱地址。",
    ),
    "bad-choice": (
        "Please enter one of: {options}",
        "请输入以下之一：{options}",
    ),
    "unknown-fact": (
        "Unknown fact “{fact}”; this tree knows: {known}",
        "未知的信息项“{fact}”；本诊断树支持：{known}",
    ),
    "bad-fact": (
        "The value given for “{fact}” was refused: {reason}",
        "“{fact}”的取值无效：{reason}",
    ),
    "fact-not-text": (
        "The value given for “{fact}” is {kind}, not text; leave the fact out when it is "
        "not known.",
        "“{fact}”的取值为 {kind}，不是文本；不知道时请不要传入该信息项。",
    ),
    "fact-no-option": (
        "“{value}” does not name an option of the question this fact answers ({options}).",
        "“{value}”不对应该信息项所回答问题的任何选项（{options}）。",
    ),
    # ------------------------------------------------------------------ kinds of personal data
    "kind.password": ("password", "密码"),
    "kind.pin": ("PIN", "PIN 码"),
    "kind.cvv": ("card security code (CVV)", "卡片安全码(CVV)"),
    "kind.verification_code": ("verification code", "验证码"),
    "kind.track_data": ("card magnetic-stripe data", "银行卡磁条数据"),
    "kind.card": ("card number", "银行卡号"),
    "kind.resident_id": ("ID card number", "身份证号码"),
    "kind.phone": ("phone number", "手机号码"),
    "kind.email": ("email address", "邮箱地址"),
    "kind.iban": ("IBAN", "IBAN 账号"),
    # ------------------------------------------------------------------ packet sentences
    "packet.tag.urgent": ("URGENT", "紧急"),
    "packet.tag.high": ("HIGH PRIORITY", "高优先级"),
    "packet.tag.normal": ("NORMAL", "普通"),
    "packet.tag.low": ("LOW", "低"),
    "packet.tag.record": ("FOR RECORD", "仅供记录"),
    "packet.name.chat": ("Online chat", "在线客服"),
    "packet.name.phone": ("Phone", "客服电话"),
    "packet.name.email": ("Email", "电子邮件"),
    "packet.name.in_app": ("In-app complaints & feedback", "应用内投诉与反馈"),
    "packet.name.self_help": ("Self-help", "自助处理"),
    "packet.how.chat": (
        "Use the online chat in the official OKPAY app or website.",
        "使用官方 OKPAY 应用或网站中的在线客服。",
    ),
    "packet.how.phone": (
        "Call the support number shown in the official OKPAY app or website.",
        "拨打官方 OKPAY 应用或网站上显示的客服电话。",
    ),
    "packet.how.email": (
        "Write to the support address shown on the official OKPAY website "
        "(Contact us / Help Center).",
        "发送至官方 OKPAY 网站（联系我们 / 帮助中心）上显示的客服邮箱。",
    ),
    "packet.how.in_app": (
        "In the official OKPAY app: Contact support → Complaints & feedback.",
        "在官方 OKPAY 应用中：联系客服 → 投诉与反馈。",
    ),
    "packet.how.self_help": (
        "Follow the steps in the diagnosis; the help centre in the official OKPAY app or "
        "website has more.",
        "按诊断中的步骤操作；更多说明见官方 OKPAY 应用或网站的帮助中心。",
    ),
    "packet.how.configured": (
        "Use the official contact given here.",
        "请使用此处列出的官方联系方式。",
    ),
    "packet.why.self_help": (
        "This outcome needs no contact with support: the steps in the diagnosis cover it. "
        "Keep this record in case the problem comes back.",
        "此结果无需联系客服：按诊断中的步骤处理即可。请保留本记录，以备问题再次出现。",
    ),
    "packet.why.urgent": (
        "Urgent: the account or money may be at risk, so use the fastest live channel now, "
        "whatever the time.",
        "紧急：账户或资金可能面临风险，请立即使用最快的实时渠道，不论当前是否为工作时间。",
    ),
    "packet.why.urgent-written": (
        "Urgent: the account or money may be at risk. No live channel is offered, so send "
        "this in writing now.",
        "紧急：账户或资金可能面临风险。当前未提供实时渠道，请立即以书面形式提交。",
    ),
    "packet.why.live-only": (
        "This live channel is the way to reach support here; agents answer during working hours.",
        "可通过此实时渠道联系客服；客服在工作时间内答复。",
    ),
    "packet.why.record": (
        "Also send this packet in writing, so there is a dated record of the report.",
        "同时请以书面形式发送本资料，留下有日期的报告记录。",
    ),
    "packet.why.complaint": (
        "A complaint or appeal is best made in writing: it leaves a record and can carry "
        "screenshots and proof.",
        "投诉或申诉最好以书面形式提出：既能留下记录，也便于附上截图和凭据。",
    ),
    "packet.why.live": (
        "High priority and within working hours: a live channel is usually the quickest.",
        "优先级高且处于工作时间：实时渠道通常最快。",
    ),
    "packet.why.written": (
        "Not urgent: a written request carries the details and screenshots below and leaves "
        "a record.",
        "不属于紧急情况：书面提交可以附上以下信息和截图，并留下记录。",
    ),
    "packet.why.after_hours": (
        "Outside working hours: a written request is queued and handled once support opens.",
        "当前为非工作时间：书面提交会进入排队，待客服开始服务后处理。",
    ),
    "packet.why.outcome": (
        "The advice for this outcome names this channel.",
        "本结果的建议指定了此渠道。",
    ),
    "packet.why.outcome-off": (
        "The advice names {name}, but it is not offered here.",
        "建议中指定的{name}在此未提供。",
    ),
    "packet.why.outcome-closed": (
        "The advice names {name}, but it is not staffed now.",
        "建议中指定的{name}当前无人值守。",
    ),
    "packet.alt.chat": ("a live conversation with an agent", "与客服实时沟通"),
    "packet.alt.phone": ("if you prefer to explain by voice", "如果您更愿意通过电话说明"),
    "packet.alt.email": (
        "a written record, with screenshots attached",
        "留下书面记录，并可附上截图",
    ),
    "packet.alt.in_app": (
        "the form in the app, with screenshots or proof",
        "通过应用内表单提交，可附上截图或凭据",
    ),
    "packet.rt.none": ("no response time is published", "未公布答复时限"),
    "packet.rt.self_help": ("none needed", "无需等待答复"),
    "packet.rt.closed": (
        "{base}; it is outside working hours now, so an agent may not answer until {next}",
        "{base}；当前为非工作时间，客服可能要到{next} 才能答复",
    ),
    "packet.rt.queued": (
        "{base}; sent outside working hours, so a reply is likely once support opens, {next}",
        "{base}；在非工作时间提交，预计在客服开始服务（{next}）后答复",
    ),
    "packet.summary.urgent": (
        "{title}. {cause} Please act on this at once: the user has been told to contact "
        "support through the fastest live channel and to send this record in writing.",
        "{title}。{cause}请立即处理：已提示用户通过最快的实时渠道联系客服，并以书面形式提交本记录。",
    ),
    "packet.summary.yes": (
        "{title}. {cause} The self-service checks did not resolve it; support action is needed.",
        "{title}。{cause}自助排查未能解决，需要客服处理。",
    ),
    "packet.summary.if-unresolved": (
        "{title}. {cause} The user has steps to try first and contacts support only if they "
        "do not help.",
        "{title}。{cause}用户会先尝试建议的步骤，仅在无效时联系客服。",
    ),
    "packet.summary.no": (
        "{title}. {cause} No support action is needed; this packet records the diagnosis.",
        "{title}。{cause}无需客服处理；本资料仅记录诊断结果。",
    ),
    "packet.privacy": (
        "Never send your password, PIN, card security code (CVV) or any verification code, "
        "and never a full ID-card number; for a card or bank account give only the last four "
        "digits. Use only the contacts shown in the official OKPAY app or website (or listed "
        "in this packet), never contact details from messages or search results.",
        "切勿发送密码、PIN 码、银行卡安全码（CVV）或任何验证码，也不要发送完整的身份证号码；"
        "涉及银行卡或银行账户时只提供末四位。只使用官方 OKPAY 应用或网站上显示的"
        "（或本资料中列出的）联系方式，不要使用消息或搜索结果中的联系方式。",
    ),
    "packet.hours": ("{days} {opens}–{closes} ({zone})", "{days} {opens}至{closes}（{zone}）"),
    "packet.hours.holidays": (", except public holidays", "，法定节假日除外"),
    "packet.hours.workdays": (
        "; open on make-up working days too",
        "；调休上班日照常服务",
    ),
    "packet.hours.example": (
        "{zone}; example hours: check the official OKPAY app or website for the actual hours",
        "{zone}；示例时间，实际以官方 OKPAY 应用或网站为准",
    ),
    "packet.range": ("{first}–{last}", "{first}至{last}"),
    "packet.today": ("today {time}", "今天 {time}"),
    "packet.tomorrow": ("tomorrow {time}", "明天 {time}"),
    "packet.time": ("{time} ({zone})", "{time}（{zone}）"),
    "packet.time.about": ("about {time}", "约 {time}"),
    "packet.time.unknown": (
        "unknown (the user does not remember or is not sure)",
        "不详（用户不记得或不确定）",
    ),
    "packet.zone.Asia/Shanghai": ("Asia/Shanghai", "北京时间"),
    # ------------------------------------------------------------------ packet labels
    "label.case": ("Reference (made by this tool)", "参考编号（由本工具生成）"),
    "label.ticket": ("Ticket ID", "工单编号"),
    "label.preview": (
        "Preview: personal data is masked. Send support the full packet, not this one.",
        "预览：个人信息已隐藏。发给客服时请使用完整资料，而不是本预览。",
    ),
    "label.subject-tx": ("transaction", "交易ID"),
    "label.said": ("From the user's answers", "根据用户的回答"),
    "label.contact-log": (
        "Channels already tried and earlier tickets",
        "已联系过的渠道和此前的工单号",
    ),
    "label.requested": ("What the user asks support to do", "用户希望客服如何处理"),
    "label.created": ("Created", "创建时间"),
    "label.priority": ("Priority", "优先级"),
    "label.outcome": ("Outcome", "诊断结果"),
    "label.tree": ("Tree", "诊断树"),
    "packet.replayed": (
        "; saved under version {version}, its answers replayed on this one",
        "；会话保存于 {version} 版，回答已在此版本上重放",
    ),
    "label.language": ("Language", "语言"),
    "label.lang.en": ("English", "英文"),
    "label.lang.zh": ("Chinese", "中文"),
    "label.summary": ("Summary", "问题摘要"),
    "label.contact": ("Contact support", "联系客服"),
    "label.recommended": ("Recommended", "推荐渠道"),
    "label.no-contact": ("No contact needed", "无需联系客服"),
    "label.record": ("Also send a written record", "同时提交书面记录"),
    "label.others": ("Other options", "其他渠道"),
    "label.why": ("Why", "原因"),
    "label.how": ("How", "方式"),
    "label.contact-detail": ("Contact", "联系方式"),
    "label.response": ("Expected response", "预计答复"),
    "label.hours": ("Working hours", "工作时间"),
    "label.now-in": ("now within working hours", "当前为工作时间"),
    "label.now-out": (
        "now outside working hours; support opens {next}",
        "当前为非工作时间；客服将于{next} 开始服务",
    ),
    "label.facts": ("Key facts", "关键信息"),
    "label.fact": ("Fact", "信息项"),
    "label.value": ("Value", "内容"),
    "label.given": ("given up front", "预先提供"),
    "label.facts-none": ("None collected.", "未收集到信息。"),
    "label.missing": ("Still missing", "尚缺信息"),
    "label.missing-none": (
        "Nothing: every fact this outcome needs was collected.",
        "无：此结果所需的信息均已收集。",
    ),
    "label.missing-ask": (
        "The user skipped these; ask for them if they are needed.",
        "用户跳过了以下信息，如有需要请向用户索取。",
    ),
    # What the user was *given* to try: the tree cannot know they did it, only what they
    # answered after.
    "label.tried": (
        "Self-service steps given to the user, and what the user said",
        "已向用户给出的自助步骤及用户反馈",
    ),
    "label.tried-none": ("No self-service steps recorded.", "没有记录到自助操作。"),
    "label.result": ("Result", "结果"),
    "label.attachments": ("Attachments to include", "需附上的材料"),
    "label.attachments-none": ("None needed.", "无需附件。"),
    "label.diagnosis": ("Diagnosis and advice given", "诊断与给出的建议"),
    "label.cause": ("Cause", "原因"),
    "label.advice": ("Advice given to the user", "给用户的建议"),
    "label.transcript": ("Transcript", "问答记录"),
    "label.number": ("#", "序号"),
    "label.question": ("Question", "问题"),
    "label.answer": ("Answer", "回答"),
    "label.source": ("From", "来源"),
    "label.src.user": ("user", "用户"),
    "label.src.context": ("known up front", "预先提供"),
    "label.src.route": ("routed", "自动分流"),
    # Route steps: what each branch tests, for transcripts, diagrams and errors.
    "route.above": ("{fact} above {name}", "{fact}高于 {name}"),
    "route.below": ("{fact} below {name}", "{fact}低于 {name}"),
    "route.older_than": ("{fact} older than {name}", "{fact}距今超过 {name}"),
    "route.newer_than": ("{fact} within {name}", "{fact}距今不到 {name}"),
    "route.in": ("{fact} is one of {name}", "{fact}属于 {name}"),
    "route.known": ("{fact} known", "{fact}已知"),
    "route.default": ("otherwise", "其他情况"),
    "label.skipped": ("(skipped)", "（已跳过）"),
    "label.privacy": ("Privacy", "隐私提醒"),
    "label.severity": ("severity", "严重程度"),
    "label.sev.low": ("low", "低"),
    "label.sev.medium": ("medium", "中"),
    "label.sev.high": ("high", "高"),
    "label.sev.critical": ("critical", "严重"),
    "label.esc.no": ("no contact needed", "无需联系客服"),
    "label.esc.if-unresolved": ("contact support if the steps do not help", "步骤无效时联系客服"),
    "label.esc.yes": ("contact support", "需要联系客服"),
    "label.esc.urgent": ("contact support now", "立即联系客服"),
    "label.pri.urgent": ("Urgent", "紧急"),
    "label.pri.high": ("High", "高"),
    "label.pri.normal": ("Normal", "普通"),
    "label.pri.low": ("Low", "低"),
    # ------------------------------------------------------------------ command line
    "cli.keys": (
        "Type an option's number or words; b goes back, ? shows help, q saves and quits.",
        "输入选项编号或文字；b 返回上一步，? 查看帮助，q 保存并退出。",
    ),
    "cli.step": (
        "[step {step}, at most {remaining} more]",
        "[第 {step} 步，最多还有 {remaining} 步]",
    ),
    "cli.format": ("format: {hint}", "格式：{hint}"),
    "cli.optional": (
        "(optional: type 'skip' to leave it out)",
        "（可选：输入“跳过”可略过）",
    ),
    "cli.no-help": ("No extra help for this step.", "此步骤没有更多说明。"),
    "cli.kept": ("{label}: {value}", "{label}：{value}"),
    "cli.note": ("note: {notice}", "提示：{notice}"),
    "cli.ran-out": ("answers ran out before a result", "回答已用完，尚未得出结果"),
    "cli.saved-to": ("saved to {path}", "已保存到 {path}"),
    "cli.saved-continue": (
        "saved; continue with: okpay-triage resume {path}",
        "已保存；继续请运行：okpay-triage resume {path}",
    ),
    "cli.saved-earlier": (
        "the last answer was not saved ({reason}); {path} holds the session as saved before it; "
        "continue with: okpay-triage resume {path}",
        "最后的回答未能保存（{reason}）；{path} 中是此前保存的进度；"
        "继续请运行：okpay-triage resume {path}",
    ),
    "cli.not-saved": (
        "the session was not saved to {path} ({reason})",
        "会话未能保存到 {path}（{reason}）",
    ),
    "cli.escalate.no": ("No need to contact support.", "无需联系客服。"),
    "cli.escalate.if-unresolved": (
        "Contact support only if the steps above do not help.",
        "如果以上步骤无效，再联系客服。",
    ),
    "cli.escalate.yes": ("Contact support with the details below.", "请带上以下信息联系客服。"),
    "cli.escalate.urgent": (
        "URGENT: contact support now through the fastest live channel.",
        "紧急：请立即通过最快的实时渠道联系客服。",
    ),
    "cli.missing": ("still missing: {facts}", "尚缺：{facts}"),
    "cli.attach": ("Attach:", "请附上："),
    "cli.packet-written": ("packet written to {path}", "上报资料已写入 {path}"),
    "cli.outcomes": (" ({count} outcomes)", "（{count} 个结果）"),
    "cli.no-tree-fits": (
        "no tree fits; try `okpay-triage list`",
        "没有匹配的诊断树；可运行 `okpay-triage list` 查看全部",
    ),
    "cli.diff.head": (
        "{tree}: version {old} -> {new}, {changes} changes",
        "{tree}：{old} 版 -> {new} 版，{changes} 处改动",
    ),
    "cli.diff.same": (
        "the two files hold the same tree content: every saved session resumes",
        "两个文件的诊断树内容相同：所有已保存的诊断都能继续",
    ),
    "cli.diff.other-tree": (
        "these are different trees ({old} and {new}): no session saved under one resumes "
        "under the other",
        "这是两棵不同的诊断树（{old} 与 {new}）：在其中一棵下保存的诊断不能在另一棵下继续",
    ),
    "cli.diff.all-resume": (
        "every session saved under {old} resumes under {new} ({walks} walks)",
        "在 {old} 版下保存的诊断都能在 {new} 版下继续（共 {walks} 条路径）",
    ),
    "cli.diff.some-resume": (
        "sessions saved under {old}: {surviving} of {walks} walks resume under {new}"
        "{maybe}; sessions that passed through an answer below are refused:",
        "在 {old} 版下保存的诊断：{walks} 条路径中有 {surviving} 条能在 {new} 版下继续{maybe}；"
        "经过下列回答的诊断会被拒绝：",
    ),
    "cli.diff.maybe": (
        " ({possible} if their typed values still fit)",
        "（若填写的值仍然有效，则为 {possible} 条）",
    ),
    "cli.diff.dropped": (
        "but sessions given these facts up front are refused (no longer declared): {facts}",
        "但预先提供了下列信息的诊断会被拒绝（新版不再声明）：{facts}",
    ),
    "cli.stats.steps": (
        "{tree} {version}: {questions} questions, {inputs} inputs, {outcomes} outcomes",
        "{tree} {version}：{questions} 个问题、{inputs} 个填写项、{outcomes} 个结果",
    ),
    "cli.stats.routes": (
        ", {routes} routes (they ask nothing)",
        "、{routes} 个自动分流（不提问）",
    ),
    "cli.stats.paths": (
        "paths: {paths}; each asks {shortest} to {longest} questions and inputs, median "
        "{median}; {expected:.1f} on average if every answer is equally likely",
        "路径：{paths} 条；每条询问 {shortest} 至 {longest} 个问题和填写项，中位数 {median}；"
        "若每个回答的可能性相同，平均询问 {expected:.1f} 个",
    ),
    "cli.stats.escalating": (
        "outcomes that send the user to support: {count} of {outcomes}, reached by {chance:.0%}"
        " of walks if every answer is equally likely",
        "需要联系客服的结果：{outcomes} 个中有 {count} 个；若每个回答的可能性相同，约 {chance:.0%} "
        "的诊断会走到这些结果",
    ),
    "cli.stats.header": (
        "outcome                         paths  asked  chance  escalate",
        "结果                            路径数  询问数  概率    升级",
    ),
    # ------------------------------------------------------------------ diagrams of drafts
    "diagram.missing": ("'{id}': no such node", "“{id}”：没有这个节点"),
    "diagram.legend-title": ("Legend", "图例"),
    "diagram.legend": (
        "a problem here: okpay-triage validate names it",
        "此处有问题：运行 okpay-triage validate 查看",
    ),
    # ------------------------------------------------------------------ okpay-triage import
    "import.cause": (
        "TODO: say what causes this.",
        "待补充：说明原因。",
    ),
    "import.loop-title": (
        "Try again from: {step}",
        "从这一步重试：{step}",
    ),
    "import.loop-step": (
        "Go back to “{step}” and try again.",
        "回到“{step}”，再试一次。",
    ),
    "import.numbered-option": (
        "Option {label}",
        "选项 {label}",
    ),
    "cli.cases.count": (
        "{scope}: {cases} cases, {finished} finished, {abandoned} abandoned",
        "{scope}：共 {cases} 个案例，{finished} 个已完成，{abandoned} 个中途放弃",
    ),
    "cli.cases.rates": (
        "self-service rate {self_service}; escalation rate {escalated} of finished cases "
        "({conditional} more to try a fix first)",
        "自助解决率 {self_service}；已完成案例的升级率 {escalated}"
        "（另有 {conditional} 个先尝试自助）",
    ),
    "cli.cases.medians": (
        "to a diagnosis: median {questions} questions, median {seconds}",
        "得出诊断：中位数 {questions} 个问题，中位用时 {seconds}",
    ),
    "cli.cases.all": ("all cases", "全部案例"),
    "cli.cases.outcomes": (
        "outcome                         cases  escalate       priority",
        "结果                            案例数  升级           优先级",
    ),
    "cli.cases.drop-off": (
        "left at step                    reached  left  share",
        "放弃时所在步骤                  到达数  放弃数  比例",
    ),
    "report.title": ("Case figures", "案例统计"),
    "report.scope": (
        "{cases} cases in the log{window}",
        "日志中共 {cases} 个案例{window}",
    ),
    "report.window": (" ({since} to {until})", "（{since} 至 {until}）"),
    "report.cases": ("cases", "案例数"),
    "report.finished": ("finished", "已完成"),
    "report.abandoned": ("abandoned", "中途放弃"),
    "report.self-service": ("self-service rate", "自助解决率"),
    "report.escalation": ("escalation rate (of finished)", "升级率（占已完成）"),
    "report.conditional": ("fix to try first", "先尝试自助"),
    "report.median-questions": ("median questions", "问题数中位数"),
    "report.median-seconds": ("median seconds to a diagnosis", "得出诊断的中位用时（秒）"),
    "report.tree": ("Tree {tree}", "诊断树 {tree}"),
    "report.funnel": ("Funnel: the most common way through", "漏斗：最常见的路径"),
    "report.funnel-explained": (
        "Each bar is a step on the way most cases took: from the most common first step, "
        "the next step is the one most of the cases still on the way took. A bar's length "
        "is the cases that reached the step on that way; the darker end is the cases that "
        "left there, the rest went on, ended at it (an outcome) or took another way.",
        "每一条代表多数案例所走路径上的一个步骤：从最常见的第一步开始，下一步是仍在该路径上的"
        "多数案例所选的步骤。条的长度是沿该路径到达此步骤的案例数；深色部分是在此放弃的案例，"
        "其余继续前进、在此结束（结果）或走了别的路径。",
    ),
    "report.funnel-row": (
        "{step}: {reached} reached, {left} left, {ended} ended here",
        "{step}：到达 {reached}，放弃 {left}，在此结束 {ended}",
    ),
    "report.outcomes": ("Outcomes (finished cases)", "结果（已完成案例）"),
    "report.outcome-row": (
        "{outcome}: {cases} ({escalate}, priority {priority})",
        "{outcome}：{cases}（升级 {escalate}，优先级 {priority}）",
    ),
    "report.escalate": ("escalation", "升级"),
    "report.priorities": ("Finished cases by priority", "已完成案例的优先级"),
    "report.priority": ("priority", "优先级"),
    "report.drop-off": ("Drop-off: steps where cases were left", "流失：案例被放弃的步骤"),
    "report.step": ("step", "步骤"),
    "report.reached": ("reached", "到达数"),
    "report.left": ("left", "放弃数"),
    "report.groups": ("By version and language", "按版本和语言"),
    "report.version": ("version", "版本"),
    "report.lang": ("language", "语言"),
    "report.none": ("No cases.", "没有案例。"),
}

#: Weekday names, Monday first, as ``(en, zh)`` pairs.
DAYS: tuple[tuple[str, str], ...] = (
    ("Monday", "周一"),
    ("Tuesday", "周二"),
    ("Wednesday", "周三"),
    ("Thursday", "周四"),
    ("Friday", "周五"),
    ("Saturday", "周六"),
    ("Sunday", "周日"),
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def say(key: str, lang: Lang | str, **values: object) -> str:
    """The words `key` in `lang`, with `values` filled in."""
    return WORDS[key][lang_index(lang)].format(**values)


def either(lang: Lang | str, en: str, zh: str) -> str:
    """`zh` in a Chinese session, else `en`: for a pair of words built on the spot."""
    return zh if lang == "zh" else en


def kinds(names: tuple[str, ...], lang: Lang) -> str:
    """Names of data kinds joined for a sentence (``"password, PIN"`` / ``"密码、PIN 码"``)."""
    words = [say(f"kind.{name}", lang) if f"kind.{name}" in WORDS else name for name in names]
    return ("、" if lang == "zh" else ", ").join(words)


def day_name(weekday: int, lang: Lang | str) -> str:
    """The name of `weekday` (0 is Monday) in `lang`."""
    return DAYS[weekday][lang_index(lang)]


def format_when(moment: datetime, lang: Lang | str, *, weekday: bool = False) -> str:
    """A time for readers, with its zone: ``2026-11-22 03:00 (Asia/Shanghai, UTC+08:00)``,
    or with `weekday` ``Monday 23 November 2026, 09:00 (UTC+08:00)``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    name = getattr(moment.tzinfo, "key", None)
    zone = f"{name}, {utc}" if name and not weekday else utc
    clock = f"{moment:%H:%M}"
    if lang == "zh":
        zone = zone.replace(", ", "，")
        if weekday:
            name = day_name(moment.weekday(), lang)
            return f"{moment.year}年{moment.month}月{moment.day}日（{name}）{clock}（{zone}）"
        return f"{moment:%Y-%m-%d} {clock}（{zone}）"
    if weekday:
        name, month = day_name(moment.weekday(), lang), MONTHS[moment.month - 1]
        return f"{name} {moment.day} {month} {moment.year}, {clock} ({zone})"
    return f"{moment:%Y-%m-%d} {clock} ({zone})"
