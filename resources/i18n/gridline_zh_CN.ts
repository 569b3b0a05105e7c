<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ActionForm</name>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="69" />
            <source>Run card</source>
            <translation>预案</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="70" />
            <source>Found</source>
            <translation>可派</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="101" />
            <source>Departments</source>
            <translation>出动部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="124" />
            <source>Sends</source>
            <translation>将派出</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="175" />
            <location filename="../../widgets/action_forms/assign.py" line="376" />
            <source>%1 (lead)</source>
            <translation>%1（主办）</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="191" />
            <source>Add a department…</source>
            <translation>添加部门…</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="225" />
            <source>%1 unticked: so are its units (%2)</source>
            <translation>已取消 %1：其 %2 个单位也已取消勾选</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="273" />
            <source>none available</source>
            <translation>无可用单位</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="275" />
            <source>%1 available</source>
            <translation>仅 %1 个可用</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="258" />
            <source>Run card %1</source>
            <translation>预案 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="339" />
            <source>%1 added: %2 is one of its units</source>
            <translation>已添加 %1：%2 属于该部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="380" />
            <source>units: %1</source>
            <translation>单位：%1 个</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/base.py" line="45" />
            <source>The incident is no longer in the mirror</source>
            <translation>该事件已不在本地镜像中</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/base.py" line="65" />
            <source>%1 is required</source>
            <translation>必须填写%1</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/__init__.py" line="62" />
            <location filename="../../widgets/action_forms/__init__.py" line="63" />
            <location filename="../../widgets/action_forms/callback.py" line="36" />
            <location filename="../../widgets/action_forms/callback.py" line="75" />
            <location filename="../../widgets/action_forms/close.py" line="84" />
            <location filename="../../widgets/action_forms/close.py" line="142" />
            <location filename="../../widgets/action_forms/extension.py" line="21" />
            <location filename="../../widgets/action_forms/verify.py" line="31" />
            <location filename="../../widgets/action_forms/verify.py" line="38" />
            <location filename="../../widgets/action_forms/whistle.py" line="70" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/__init__.py" line="69" />
            <location filename="../../widgets/action_forms/callback.py" line="36" />
            <location filename="../../widgets/action_forms/callback.py" line="78" />
            <location filename="../../widgets/action_forms/close.py" line="125" />
            <location filename="../../widgets/action_forms/evaluate.py" line="30" />
            <location filename="../../widgets/action_forms/extension.py" line="23" />
            <location filename="../../widgets/action_forms/whistle.py" line="70" />
            <source>optional</source>
            <translation>可选</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/extension.py" line="25" />
            <source>Requested</source>
            <translation>申请延期</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/register.py" line="29" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/register.py" line="31" />
            <source>As the class says</source>
            <translation>按类别默认</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/register.py" line="34" />
            <source>Priority</source>
            <translation>优先级</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/register.py" line="41" />
            <source>Pick an event class</source>
            <translation>请选择事件类别</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="62" />
            <location filename="../../widgets/action_forms/release.py" line="23" />
            <source>Unit</source>
            <translation>力量</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="63" />
            <location filename="../../widgets/action_forms/department_step.py" line="39" />
            <location filename="../../widgets/action_forms/release_department.py" line="28" />
            <location filename="../../widgets/action_forms/whistle.py" line="69" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="64" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="65" />
            <source>Distance</source>
            <translation>距离</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="66" />
            <source>Capable</source>
            <translation>能力匹配</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="89" />
            <source>Return the incident to change its lead department</source>
            <translation>如需更换主办部门，请先回退事件</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="90" />
            <source>Lead</source>
            <translation>主办</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="108" />
            <source>Show units of every department</source>
            <translation>显示所有部门的力量</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/assign.py" line="386" />
            <source>Tick at least one unit to send</source>
            <translation>请至少勾选一支力量</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/release.py" line="29" />
            <source>No unit to release</source>
            <translation>没有可撤回的力量</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/verify.py" line="20" />
            <source>Passed</source>
            <translation>通过</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/verify.py" line="21" />
            <source>Failed: send back</source>
            <translation>不通过：退回返工</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/verify.py" line="30" />
            <source>On site</source>
            <translation>现场核查</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/verify.py" line="32" />
            <source>required when failed</source>
            <translation>不通过时必填</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/__init__.py" line="56" />
            <location filename="../../widgets/action_forms/callback.py" line="40" />
            <location filename="../../widgets/action_forms/callback.py" line="65" />
            <location filename="../../widgets/action_forms/close.py" line="59" />
            <location filename="../../widgets/action_forms/escalate.py" line="50" />
            <location filename="../../widgets/action_forms/escalate.py" line="77" />
            <location filename="../../widgets/action_forms/extension.py" line="39" />
            <location filename="../../widgets/action_forms/extension.py" line="44" />
            <location filename="../../widgets/action_forms/release_department.py" line="29" />
            <location filename="../../widgets/action_forms/release_department.py" line="37" />
            <location filename="../../widgets/action_forms/whistle.py" line="32" />
            <location filename="../../widgets/action_forms/whistle.py" line="52" />
            <source>Reason</source>
            <translation>原因</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="72" />
            <source>original incident id, e.g. E000012</source>
            <translation>原事件编号，如 E000012</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="74" />
            <source>Original</source>
            <translation>原事件</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="76" />
            <source>No open incident of this class nearby</source>
            <translation>附近没有同类在办事件</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="124" />
            <source>required: say why</source>
            <translation>必填：说明原因</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="130" />
            <source>Pick a closure reason</source>
            <translation>请选择结案原因</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="134" />
            <source>Original incident</source>
            <translation>原事件</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/evaluate.py" line="28" />
            <source>Score (1–5)</source>
            <translation>评分（1–5）</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/evaluate.py" line="29" />
            <source>Comment</source>
            <translation>评价意见</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/evaluate.py" line="36" />
            <source>Pick a score from 1 to 5</source>
            <translation>请选择 1 到 5 分</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/extension.py" line="37" />
            <source>min</source>
            <translation>分钟</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/extension.py" line="38" />
            <source>Extend by</source>
            <translation>延期时长</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="48" />
            <source>already at city level</source>
            <translation>已在市级处置</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="44" />
            <location filename="../../widgets/action_forms/escalate.py" line="49" />
            <source>Level</source>
            <translation>层级</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="53" />
            <source>Add departments</source>
            <translation>增加部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="75" />
            <source>The incident is already handled at city level</source>
            <translation>该事件已由市级处置，无法再提级</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/department_step.py" line="43" />
            <location filename="../../widgets/action_forms/department_step.py" line="65" />
            <source>Result</source>
            <translation>处置结果</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="96" />
            <source>only after the site check has verified the fix</source>
            <translation>须经现场核查确认修复后才能选择</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="100" />
            <source>only once the incident is registered</source>
            <translation>须在事件立案后才能选择</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/close.py" line="101" />
            <source>not possible now</source>
            <translation>当前不可用</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/department_step.py" line="38" />
            <source>All of them</source>
            <translation>全部部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/department_step.py" line="57" />
            <source>No department can take this step now</source>
            <translation>当前没有部门可以执行此步骤</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="39" />
            <source> (skipping levels)</source>
            <translation>（越级）</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/escalate.py" line="41" />
            <source>A shift lead may escalate an urgent or high incident several levels at once, with a reason</source>
            <translation>值班长可对特急或紧急事件越级上报，须填写原因</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/release_department.py" line="35" />
            <source>No assisting department to release</source>
            <translation>没有可解除的协办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="35" />
            <source>Citizen's answer</source>
            <translation>回访结果</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="37" />
            <source>Reopen the case (重办)</source>
            <translation>不满意，重办</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="41" />
            <source>why it is handled again</source>
            <translation>重办原因</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="63" />
            <source>Pick the citizen's answer</source>
            <translation>请选择市民的回访结果</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="76" />
            <source>what the citizen said</source>
            <translation>市民来电内容</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/callback.py" line="77" />
            <source>Phone</source>
            <translation>来电号码</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/whistle.py" line="31" />
            <source>Summon</source>
            <translation>召集部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/whistle.py" line="33" />
            <source>why the departments are summoned</source>
            <translation>为何召集这些部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/whistle.py" line="34" />
            <source>Each must report on site (报到) within the centre's arrival limit, %1 unless its deadline profile says</source>
            <translation>各部门须在中心的报到时限内到场报到（时限方案未另定时为 %1）</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/whistle.py" line="50" />
            <source>Check at least one department to summon</source>
            <translation>请至少勾选一个要召集的部门</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms/whistle.py" line="76" />
            <source>Every summoned department is on site</source>
            <translation>被召集的部门均已报到</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms.py" line="207" />
            <source>Joint</source>
            <translation>协办</translation>
        </message>
        <message>
            <location filename="../../widgets/action_forms.py" line="266" />
            <source>lead department only</source>
            <translation>仅主办部门</translation>
        </message>
    </context>
    <context>
        <name>Actions</name>
        <message>
            <location filename="../../widgets/actions.py" line="36" />
            <source>New incident…</source>
            <translation>新建事件…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="37" />
            <source>Command line</source>
            <translation>命令行</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="38" />
            <source>Search the queue</source>
            <translation>搜索事件队列</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="40" />
            <source>Go to the queue</source>
            <translation>转到事件队列</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="41" />
            <source>Go to the unit board</source>
            <translation>转到力量看板</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="45" />
            <source>Register</source>
            <translation>立案</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="46" />
            <source>Cancel incident…</source>
            <translation>注销…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="48" />
            <source>Assign units…</source>
            <translation>派遣…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="49" />
            <source>Release a unit…</source>
            <translation>撤回力量…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="51" />
            <source>Return to dispatch…</source>
            <translation>回退…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="56" />
            <source>Acknowledge</source>
            <translation>签收</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="57" />
            <source>Start handling</source>
            <translation>开始处置</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="59" />
            <source>Respond…</source>
            <translation>反馈…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="60" />
            <source>Verify…</source>
            <translation>核查…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="61" />
            <source>Rework…</source>
            <translation>返工…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="63" />
            <source>Request extension…</source>
            <translation>申请延期…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="65" />
            <source>Approve extension…</source>
            <translation>批准延期…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="67" />
            <source>Reject extension…</source>
            <translation>驳回延期…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="69" />
            <source>Park…</source>
            <translation>挂账…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="70" />
            <source>Resume</source>
            <translation>恢复办理</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="71" />
            <source>Supervise…</source>
            <translation>督办…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="72" />
            <source>End supervision</source>
            <translation>取消督办</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="74" />
            <source>Escalate…</source>
            <translation>提级…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="76" />
            <source>Close…</source>
            <translation>结案…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="77" />
            <source>Close as duplicate…</source>
            <translation>重复件结案…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="79" />
            <source>Evaluate…</source>
            <translation>评价…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="80" />
            <source>Add note…</source>
            <translation>添加备注…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="190" />
            <source>No actions available</source>
            <translation>无可执行操作</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="42" />
            <source>View the new urgent incident</source>
            <translation>查看新紧急事件</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="53" />
            <source>Release a department…</source>
            <translation>解除协办部门…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="82" />
            <source>Call-back…</source>
            <translation>回访…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="83" />
            <source>Urge…</source>
            <translation>催办…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="85" />
            <source>Blow the whistle…</source>
            <translation>吹哨…</translation>
        </message>
        <message>
            <location filename="../../widgets/actions.py" line="87" />
            <source>Report arrival…</source>
            <translation>报到…</translation>
        </message>
    </context>
    <context>
        <name>AddressSearch</name>
        <message>
            <location filename="../../widgets/address_search.py" line="83" />
            <source>district</source>
            <translation>区</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="84" />
            <source>street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="85" />
            <source>community</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="86" />
            <source>grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="87" />
            <source>road</source>
            <translation>道路</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="88" />
            <source>address</source>
            <translation>门牌</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="89" />
            <source>compound</source>
            <translation>小区</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="90" />
            <source>building</source>
            <translation>楼栋</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="91" />
            <source>place</source>
            <translation>地点</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="92" />
            <source>city part</source>
            <translation>城市部件</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="159" />
            <source>Address, place or road…</source>
            <translation>地址、地点或道路…</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="227" />
            <source>Searching…</source>
            <translation>搜索中…</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="239" />
            <source>No answer from the server</source>
            <translation>服务器无应答</translation>
        </message>
        <message>
            <location filename="../../widgets/address_search.py" line="261" />
            <source>No place found for %1</source>
            <translation>未找到“%1”</translation>
        </message>
    </context>
    <context>
        <name>AuditTableModel</name>
        <message>
            <location filename="../../widgets/audit_model.py" line="46" />
            <location filename="../../widgets/audit_model.py" line="165" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="47" />
            <location filename="../../widgets/audit_model.py" line="166" />
            <source>Operator</source>
            <translation>操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="48" />
            <location filename="../../widgets/audit_model.py" line="167" />
            <source>Workstation</source>
            <translation>工作站</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="49" />
            <location filename="../../widgets/audit_model.py" line="169" />
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="50" />
            <location filename="../../widgets/audit_model.py" line="170" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="51" />
            <location filename="../../widgets/audit_model.py" line="171" />
            <source>Detail</source>
            <translation>详情</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="56" />
            <source>Login</source>
            <translation>登录</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="57" />
            <source>Failed login</source>
            <translation>登录失败</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="58" />
            <source>Logout</source>
            <translation>退出登录</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="59" />
            <source>Query</source>
            <translation>查询</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="60" />
            <source>History read</source>
            <translation>读取历史</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="61" />
            <source>Audit read</source>
            <translation>查阅审计</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="62" />
            <source>Operator added</source>
            <translation>新增操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="63" />
            <source>Password changed</source>
            <translation>修改密码</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="64" />
            <source>Operator disabled</source>
            <translation>停用操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="65" />
            <source>Operator enabled</source>
            <translation>启用操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="66" />
            <source>Demo operators added</source>
            <translation>创建演示操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="67" />
            <source>Request refused</source>
            <translation>请求被拒绝</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="68" />
            <source>Login refused (key)</source>
            <translation>登录被拒绝（密钥）</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="69" />
            <source>Login throttled</source>
            <translation>登录被限速</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="70" />
            <source>Login locked</source>
            <translation>登录已锁定</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="71" />
            <source>Session expired</source>
            <translation>会话过期</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="72" />
            <source>Session closed</source>
            <translation>会话被关闭</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="73" />
            <source>Snapshot refused</source>
            <translation>快照被拒绝</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="74" />
            <source>Subscription refused</source>
            <translation>订阅被拒绝</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="75" />
            <source>Feed reset</source>
            <translation>推送重置</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="76" />
            <source>Key enrolled</source>
            <translation>密钥已登记</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="77" />
            <source>Key revoked</source>
            <translation>密钥已吊销</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="78" />
            <source>Allow-list file invalid</source>
            <translation>白名单文件无效</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="79" />
            <source>Audit pruned</source>
            <translation>审计已清理</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="165" />
            <source>ID</source>
            <translation>编号</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_model.py" line="168" />
            <source>Action code</source>
            <translation>操作代码</translation>
        </message>
    </context>
    <context>
        <name>AuditWindow</name>
        <message>
            <location filename="../../widgets/audit_window.py" line="65" />
            <source>Audit trail</source>
            <translation>审计日志</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="69" />
            <source>any operator</source>
            <translation>任意操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="71" />
            <source>any workstation</source>
            <translation>任意工作站</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="73" />
            <source>any incident</source>
            <translation>任意事件</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="77" />
            <source>All actions</source>
            <translation>全部操作</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="80" />
            <source>Pick an action or type its code</source>
            <translation>选择操作，或输入操作代码</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="82" />
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="85" />
            <source>To</source>
            <translation>至</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="91" />
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="93" />
            <source>Read the audit trail again with these filters (F5)</source>
            <translation>按这些条件重新读取审计日志（F5）</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="96" />
            <source>Export CSV…</source>
            <translation>导出 CSV…</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="116" />
            <source>Operator</source>
            <translation>操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="117" />
            <source>Workstation</source>
            <translation>工作站</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="118" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="119" />
            <source>Action</source>
            <translation>操作</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="203" />
            <source>Reading the audit trail…</source>
            <translation>正在读取审计日志…</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="212" />
            <source>Could not read the audit trail: %1</source>
            <translation>无法读取审计日志：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="222" />
            <source>%1 lines</source>
            <translation>共 %1 条</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="224" />
            <source> — only the oldest %1 are shown; narrow the filters to see the rest</source>
            <translation>——仅显示最早的 %1 条，请缩小筛选范围查看其余记录</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="241" />
            <source>%1 lines exported to %2</source>
            <translation>已将 %1 条记录导出到 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="248" />
            <source>Export the audit trail</source>
            <translation>导出审计日志</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="249" />
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <location filename="../../widgets/audit_window.py" line="255" />
            <source>Could not write %1: %2</source>
            <translation>无法写入 %1：%2</translation>
        </message>
    </context>
    <context>
        <name>BookmarkTable</name>
        <message>
            <location filename="../../widgets/bookmark_table.py" line="34" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../widgets/bookmark_table.py" line="35" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../widgets/bookmark_table.py" line="44" />
            <source>Ctrl+B bookmarks the instant shown; double-click a time to go there</source>
            <translation>Ctrl+B 为当前时刻加书签；双击时间跳转到该时刻</translation>
        </message>
    </context>
    <context>
        <name>ClassPicker</name>
        <message>
            <location filename="../../widgets/class_picker.py" line="41" />
            <source>Search class: code, name (中文 or English)…</source>
            <translation>搜索类别：编码、名称（中文或英文）…</translation>
        </message>
        <message>
            <location filename="../../widgets/class_picker.py" line="137" />
            <source>No class picked</source>
            <translation>未选择类别</translation>
        </message>
        <message>
            <location filename="../../widgets/class_picker.py" line="144" />
            <source>%1 — lead: %2 · priority: %3 · handling limit: %4</source>
            <translation>%1 — 主办：%2 · 优先级：%3 · 处置时限：%4</translation>
        </message>
    </context>
    <context>
        <name>CommandLine</name>
        <message>
            <location filename="../../widgets/command_line.py" line="354" />
            <source>adds %1</source>
            <translation>增派 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="355" />
            <source>no department added</source>
            <translation>未增加部门</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="358" />
            <source>%1 (lead)</source>
            <translation>%1（主办）</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="138" />
            <source>Command (F2) — e.g. as 12 U-police-3 · ? for help</source>
            <translation>命令（F2）— 例如 as 12 U-police-3 · 输入 ? 查看帮助</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="140" />
            <source>. = %1</source>
            <translation>. = %1</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="249" />
            <source>%1 — sending…</source>
            <translation>%1 — 发送中…</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="342" />
            <source>%1 — done</source>
            <translation>%1 — 已完成</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="381" />
            <source>The commands are listed under the line; hover here</source>
            <translation>命令列表显示在输入行下方；悬停此处可再次查看</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="265" />
            <source>%1 — no incident %2</source>
            <translation>%1 — 没有事件 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="270" />
            <source>%1 — on the map</source>
            <translation>%1 — 已在地图上显示</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="279" />
            <source>%1 — %2 on the map</source>
            <translation>%1 — 已在地图上显示%2</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="283" />
            <source>%1 — place search needs the server</source>
            <translation>%1 — 地点搜索需要连接服务器</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="287" />
            <source>%1 — looking it up…</source>
            <translation>%1 — 查找中…</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="320" />
            <source>%1 — no such place</source>
            <translation>%1 — 未找到该地点</translation>
        </message>
        <message>
            <location filename="../../widgets/command_line.py" line="237" />
            <source>Summary of %1: pick the file</source>
            <translation>事件 %1 的摘要：请选择保存位置</translation>
        </message>
    </context>
    <context>
        <name>EvaluationModel</name>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="151" />
            <source>(not dispatched)</source>
            <translation>（未派遣）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="70" />
            <source>Rank</source>
            <translation>排名</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="71" />
            <source>Move</source>
            <translation>环比</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="72" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="73" />
            <source>Score</source>
            <translation>得分</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="74" />
            <source>Closure</source>
            <translation>结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="75" />
            <source>On-time closure</source>
            <translation>按期结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="76" />
            <source>Response</source>
            <translation>响应率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="77" />
            <source>Resolution</source>
            <translation>解决率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="78" />
            <source>Satisfaction</source>
            <translation>满意率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="79" />
            <source>Urged</source>
            <translation>催办率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="80" />
            <source>Reopened</source>
            <translation>重办率</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="81" />
            <source>Mean response</source>
            <translation>平均响应</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="82" />
            <source>Mean handling</source>
            <translation>平均处置</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="83" />
            <source>Due</source>
            <translation>应结案</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="84" />
            <source>Called back</source>
            <translation>已回访</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="88" />
            <source>due</source>
            <translation>应结案</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="89" />
            <source>closed</source>
            <translation>已结案</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="90" />
            <source>closed on time</source>
            <translation>按期结案</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="91" />
            <source>dispatched</source>
            <translation>已派遣</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="92" />
            <source>acknowledged in time</source>
            <translation>按时签收</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="93" />
            <source>closed in the period</source>
            <translation>本期结案</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="94" />
            <source>resolved</source>
            <translation>已解决</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="95" />
            <source>citizens' cases</source>
            <translation>市民诉求</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="96" />
            <source>urged</source>
            <translation>被催办</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="97" />
            <source>called back</source>
            <translation>已回访</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="98" />
            <source>satisfied</source>
            <translation>满意</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="99" />
            <source>reopened</source>
            <translation>重办</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="213" />
            <source>new</source>
            <translation>新</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="233" />
            <source>%1 of %2 %3</source>
            <translation>%1 / %2（%3）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="247" />
            <source>Previous period: %1</source>
            <translation>上期：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="250" />
            <source>Change: %1 points</source>
            <translation>变化：%1 个百分点</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="253" />
            <source>No figures in the previous period</source>
            <translation>上期无数据</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_model.py" line="255" />
            <source>Double-click: the cases behind it</source>
            <translation>双击：查看对应案件</translation>
        </message>
    </context>
    <context>
        <name>EvaluationWindow</name>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="80" />
            <source>this server cannot list the cases of this level</source>
            <translation>该服务器无法列出此层级的案件</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="63" />
            <source>Districts</source>
            <translation>区</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="64" />
            <source>Streets</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="65" />
            <source>Communities</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="66" />
            <source>Grids</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="67" />
            <source>Departments</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="68" />
            <source>Dispatchers</source>
            <translation>调度员</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="69" />
            <source>Grid workers</source>
            <translation>网格员</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="72" />
            <source>Day</source>
            <translation>日</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="73" />
            <source>Month</source>
            <translation>月</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="74" />
            <source>Quarter</source>
            <translation>季度</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="77" />
            <source>from the server</source>
            <translation>来自服务器</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="78" />
            <source>from this console's incidents (archived cases not listed)</source>
            <translation>来自本席位的事件（已归档案件未列出）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="119" />
            <source>Evaluation</source>
            <translation>绩效评价</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="126" />
            <source>What is ranked</source>
            <translation>排名对象</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="134" />
            <source>Previous period (Alt+Left)</source>
            <translation>上一期（Alt+左）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="138" />
            <source>Next period (Alt+Right)</source>
            <translation>下一期（Alt+右）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="142" />
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="143" />
            <source>Read the ranking again (F5)</source>
            <translation>重新读取排名（F5）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="145" />
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="146" />
            <source>Write the monthly evaluation report of the month shown (PDF and CSV, per district and per department)</source>
            <translation>导出所示月份的月度绩效评价报告（PDF 和 CSV，按区和按部门）</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="159" />
            <source>Double-click a number (or Enter) to list its cases</source>
            <translation>双击某个数字（或按回车）列出对应案件</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="160" />
            <source>Double-click or Enter: show the incident in the console</source>
            <translation>双击或回车：在控制台中显示该事件</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="164" />
            <source>Score: the weighted mean of the rates, out of 100. Arrows: the change since the previous period; hover a cell for its figures.</source>
            <translation>得分：各项比率的加权平均（百分制）。箭头：与上期相比的变化；鼠标悬停可查看明细。</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="239" />
            <source>Reading the ranking…</source>
            <translation>正在读取排名…</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="255" />
            <source>Could not read the ranking: %1</source>
            <translation>无法读取排名：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="263" />
            <source>Updated %1 · %2 ranked</source>
            <translation>已更新 %1 · 参评 %2 个</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="276" />
            <source>This server does not evaluate this level</source>
            <translation>该服务器不支持此层级的评价</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="293" />
            <source>Reading the cases…</source>
            <translation>正在读取案件…</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="301" />
            <source>Could not list the cases: %1</source>
            <translation>无法列出案件：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="305" />
            <source>%1: %2 cases, %3</source>
            <translation>%1：%2 件，%3</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="324" />
            <source>Export the monthly evaluation report to</source>
            <translation>将月度绩效评价报告导出到</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="335" />
            <source>Writing the report of %1…</source>
            <translation>正在生成 %1 的报告…</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="342" />
            <source>Could not export: %1</source>
            <translation>无法导出：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/evaluation_window.py" line="346" />
            <source>Report saved: %1</source>
            <translation>报告已保存：%1</translation>
        </message>
    </context>
    <context>
        <name>Hazards</name>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="142" />
            <source>lon </source>
            <translation>经度 </translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="143" />
            <source>lat </source>
            <translation>纬度 </translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="144" />
            <source>radius </source>
            <translation>半径 </translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="38" />
            <source>Chemical plant</source>
            <translation>化工企业</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="39" />
            <source>Gas station</source>
            <translation>加油站</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="40" />
            <source>Fuel depot</source>
            <translation>油库</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="41" />
            <source>Care home</source>
            <translation>养老机构</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="42" />
            <source>School</source>
            <translation>学校</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="43" />
            <source>Kindergarten</source>
            <translation>幼儿园</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="44" />
            <source>Hospital</source>
            <translation>医院</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="45" />
            <source>High voltage</source>
            <translation>高压电力设施</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="46" />
            <source>Construction site</source>
            <translation>建筑工地</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="47" />
            <source>Crowded venue</source>
            <translation>人员密集场所</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="48" />
            <source>Other</source>
            <translation>其他</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="56" />
            <location filename="../../widgets/hazard_editor.py" line="157" />
            <location filename="../../widgets/hazard_list.py" line="50" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="56" />
            <location filename="../../widgets/hazard_editor.py" line="158" />
            <location filename="../../widgets/hazard_list.py" line="50" />
            <source>Name</source>
            <translation>名称</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="57" />
            <location filename="../../widgets/hazard_list.py" line="51" />
            <source>Where</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="57" />
            <location filename="../../widgets/hazard_editor.py" line="159" />
            <location filename="../../widgets/hazard_list.py" line="51" />
            <source>Note</source>
            <translation>说明</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="64" />
            <source>whole grid</source>
            <translation>整个网格</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="65" />
            <source>%1 m away (radius %2 m)</source>
            <translation>相距 %1 米（半径 %2 米）</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="140" />
            <source>Hazards at this place: %1</source>
            <translation>此处危险源：%1 处</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_list.py" line="144" />
            <source>No hazard noted at this place</source>
            <translation>此处无危险源记录</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="89" />
            <source>%1 m around %2, %3</source>
            <translation>%2, %3 周边 %1 米</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="93" />
            <source>grid %1</source>
            <translation>网格 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="103" />
            <source>Hazards at places</source>
            <translation>危险源管理</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="123" />
            <source>e.g. Jinji Lake gas station</source>
            <translation>例如：金鸡湖加油站</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="125" />
            <source>what a dispatcher should know</source>
            <translation>调度员应知晓的情况</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="127" />
            <source>Point and radius</source>
            <translation>点位及半径</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="128" />
            <source>Whole grid</source>
            <translation>整个网格</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="147" />
            <source>15-digit grid code</source>
            <translation>15位网格编码</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="148" />
            <source>Click the map to take its point, or type it.</source>
            <translation>点击地图取点，或直接输入经纬度。</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="164" />
            <source>New hazard</source>
            <translation>新建危险源</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="166" />
            <source>Save hazard</source>
            <translation>保存危险源</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="168" />
            <source>Remove hazard</source>
            <translation>删除危险源</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="251" />
            <source>A hazard needs a name.</source>
            <translation>危险源需要名称。</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="255" />
            <source>The radius is from %1 to %2 metres.</source>
            <translation>半径应在 %1 至 %2 米之间。</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="270" />
            <source>Sending…</source>
            <translation>正在发送…</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="283" />
            <source>Removed on the server</source>
            <translation>已在服务器删除</translation>
        </message>
        <message>
            <location filename="../../widgets/hazard_editor.py" line="286" />
            <source>Saved on the server</source>
            <translation>已保存到服务器</translation>
        </message>
    </context>
    <context>
        <name>HistoryModel</name>
        <message>
            <location filename="../../widgets/intake_history.py" line="52" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="53" />
            <source>Reported</source>
            <translation>上报时间</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="54" />
            <source>Distance</source>
            <translation>距离</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="55" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="56" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="57" />
            <source>Why</source>
            <translation>提示</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="104" />
            <source>possible duplicate</source>
            <translation>可能重复</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="106" />
            <source>repeat caller</source>
            <translation>重复来电</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="108" />
            <source>same address</source>
            <translation>同一地址</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="109" />
            <source>nearby</source>
            <translation>附近</translation>
        </message>
    </context>
    <context>
        <name>IncidentDetail</name>
        <message>
            <location filename="../../widgets/detail_place.py" line="25" />
            <source>Caller's phone</source>
            <translation>来电号码</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_place.py" line="65" />
            <source>reading…</source>
            <translation>读取中…</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_place.py" line="66" />
            <source>none given</source>
            <translation>未留号码</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="28" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="29" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="30" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="31" />
            <source>Reporter</source>
            <translation>报告人</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="32" />
            <source>Description</source>
            <translation>描述</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="33" />
            <source>Lead department</source>
            <translation>主办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="34" />
            <source>Assisting</source>
            <translation>协办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="35" />
            <source>Units</source>
            <translation>处置力量</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="36" />
            <source>Extension</source>
            <translation>延期</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="37" />
            <source>Closure</source>
            <translation>结案</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="38" />
            <source>Duplicates</source>
            <translation>重复件</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="39" />
            <source>Evaluation</source>
            <translation>评价</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="40" />
            <source>Citizen's loop</source>
            <translation>市民诉求闭环</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="41" />
            <source>History</source>
            <translation>经历</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="44" />
            <source>Stage</source>
            <translation>环节</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="45" />
            <source>Started</source>
            <translation>开始</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="46" />
            <source>Due</source>
            <translation>时限</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="21" />
            <location filename="../../widgets/detail_sections.py" line="47" />
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="48" />
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="49" />
            <source>Operator</source>
            <translation>操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="50" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="24" />
            <location filename="../../widgets/detail_sections.py" line="52" />
            <source>running</source>
            <translation>计时中</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="25" />
            <location filename="../../widgets/detail_sections.py" line="53" />
            <source>near due</source>
            <translation>临期</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="26" />
            <location filename="../../widgets/detail_sections.py" line="54" />
            <source>overdue</source>
            <translation>超时</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="87" />
            <source>Select an incident in the queue or on the map</source>
            <translation>请在事件队列或地图上选择事件</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="100" />
            <source>Supervised</source>
            <translation>督办</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="168" />
            <source>Send</source>
            <translation>发送</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="171" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="199" />
            <source>Add a note and press Enter…</source>
            <translation>输入备注后按回车…</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="209" />
            <source>Time limits</source>
            <translation>时限</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="217" />
            <source>Actions</source>
            <translation>操作</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="221" />
            <source>Notes</source>
            <translation>备注记录</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="268" />
            <source>Level: %1</source>
            <translation>层级：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="106" />
            <source>part %1</source>
            <translation>部件 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="114" />
            <source>%1 (class default, not dispatched yet)</source>
            <translation>%1（类别默认，尚未派遣）</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="126" />
            <source>requested: %1, waiting for a decision</source>
            <translation>已申请延期 %1，待审批</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="129" />
            <source>%1 granted</source>
            <translation>已批准 %1 次</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="136" />
            <source>of %1</source>
            <translation>（原事件 %1）</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="146" />
            <source>reworked %1×</source>
            <translation>返工 %1 次</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="149" />
            <source>returned %1×</source>
            <translation>回退 %1 次</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="152" />
            <source>escalated %1×</source>
            <translation>提级 %1 次</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="168" />
            <source>urged %1×, last %2</source>
            <translation>催办 %1 次，最近 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="172" />
            <source>called back %1: %2</source>
            <translation>已回访 %1：%2</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="177" />
            <source>call-back overdue since %1</source>
            <translation>回访已超时（应于 %1）</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="179" />
            <source>call back by %1</source>
            <translation>%1 前回访</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="181" />
            <source>reopened %1× after call-back</source>
            <translation>回访后重办 %1 次</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="215" />
            <source>done on time</source>
            <translation>按时完成</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="216" />
            <source>done late</source>
            <translation>超时完成</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_sections.py" line="219" />
            <source>paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="88" />
            <location filename="../../widgets/detail_panel.py" line="317" />
            <source>%1 due %2</source>
            <translation>%1时限 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="338" />
            <source>%1 is not possible now</source>
            <translation>当前无法执行“%1”</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="409" />
            <source>Sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="431" />
            <source>%1: sending…</source>
            <translation>%1：发送中…</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="446" />
            <location filename="../../widgets/detail_panel.py" line="455" />
            <source>%1: done</source>
            <translation>%1：已完成</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="452" />
            <source>refused</source>
            <translation>被拒绝</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="137" />
            <source>Departments</source>
            <translation>联动部门</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="19" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="20" />
            <source>Role</source>
            <translation>职责</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_departments.py" line="22" />
            <source>Clock</source>
            <translation>时限</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="117" />
            <source>Print summary…</source>
            <translation>打印事件摘要…</translation>
        </message>
        <message>
            <location filename="../../widgets/detail_panel.py" line="138" />
            <source>Whistle (吹哨报到)</source>
            <translation>吹哨报到</translation>
        </message>
    </context>
    <context>
        <name>IncidentTableModel</name>
        <message>
            <location filename="../../widgets/incident_cells.py" line="55" />
            <source>Incident</source>
            <translation>事件编号</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="56" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="57" />
            <source>Priority</source>
            <translation>优先级</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="58" />
            <source>Time left</source>
            <translation>剩余时间</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="59" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="60" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="61" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="62" />
            <source>Lead department</source>
            <translation>主办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="63" />
            <source>Units</source>
            <translation>处置力量</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="64" />
            <source>Level</source>
            <translation>层级</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="65" />
            <location filename="../../widgets/incident_cells.py" line="182" />
            <source>Supervised</source>
            <translation>督办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="66" />
            <source>Reported</source>
            <translation>上报时间</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="67" />
            <source>Due</source>
            <translation>时限</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="288" />
            <source>%1 due %2</source>
            <translation>%1时限 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="292" />
            <source>Handling due %1</source>
            <translation>处置时限 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="305" />
            <source>Default for the class; not dispatched yet</source>
            <translation>类别默认部门，尚未派遣</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="308" />
            <source>Assisting: %1</source>
            <translation>协办：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="217" />
            <source>%1/%2 acknowledged</source>
            <translation>%1/%2 签收</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="218" />
            <source>%1/%2 responded</source>
            <translation>%1/%2 反馈</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="68" />
            <source>Urges</source>
            <translation>催办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="69" />
            <source>Call-back</source>
            <translation>回访</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="190" />
            <source>Urged ×%1</source>
            <translation>催办×%1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="206" />
            <source>Call-back overdue</source>
            <translation>回访超时</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="207" />
            <source>Call back by %1</source>
            <translation>%1前回访</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_cells.py" line="70" />
            <source>Whistle</source>
            <translation>吹哨报到</translation>
        </message>
    </context>
    <context>
        <name>IncidentTimeline</name>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="32" />
            <source>At the window start</source>
            <translation>时段开始时</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="33" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="34" />
            <source>Assigned</source>
            <translation>派出</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="35" />
            <source>Released</source>
            <translation>撤回</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="36" />
            <source>Unit status</source>
            <translation>力量状态</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="37" />
            <source>Lead department</source>
            <translation>主办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="38" />
            <source>Assisting department</source>
            <translation>协办部门</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="39" />
            <source>Acknowledged</source>
            <translation>签收</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="40" />
            <source>Escalated</source>
            <translation>升级</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="45" />
            <source>Supervision</source>
            <translation>督办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="46" />
            <source>Time limit</source>
            <translation>时限提醒</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="47" />
            <source>Extension requested</source>
            <translation>申请延期</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="48" />
            <source>Extension decided</source>
            <translation>延期审批</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="49" />
            <source>Verification failed</source>
            <translation>核查未通过</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="50" />
            <source>Rework</source>
            <translation>返工</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="51" />
            <source>Returned</source>
            <translation>回退</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="52" />
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="53" />
            <source>Evaluated</source>
            <translation>评价</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="54" />
            <source>Archived</source>
            <translation>归档</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="69" />
            <source>on</source>
            <translation>开启</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="70" />
            <source>off</source>
            <translation>解除</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="71" />
            <source>approved</source>
            <translation>批准</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="72" />
            <source>refused</source>
            <translation>驳回</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="73" />
            <source>near due</source>
            <translation>临近超时</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="74" />
            <source>overdue</source>
            <translation>已超时</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="75" />
            <source>lead</source>
            <translation>主办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="76" />
            <source>assisting</source>
            <translation>协办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="135" />
            <location filename="../../widgets/incident_timeline.py" line="222" />
            <source>Select an incident to see its timeline</source>
            <translation>选择一个事件查看其时间线</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="166" />
            <source>Incident %1</source>
            <translation>事件 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="207" />
            <source>by %1</source>
            <translation>操作员 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="232" />
            <source>finally %1</source>
            <translation>最终：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="243" />
            <source>Time limits</source>
            <translation>时限</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="297" />
            <source>%1 limit</source>
            <translation>%1时限</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="41" />
            <source>Escalated past levels</source>
            <translation>越级上报</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="42" />
            <source>Handling</source>
            <translation>处置</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="43" />
            <source>Responded</source>
            <translation>反馈</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="44" />
            <source>Released from the incident</source>
            <translation>解除协办</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="55" />
            <source>Whistle blown</source>
            <translation>吹哨</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="56" />
            <source>Summoned to report on site</source>
            <translation>被吹哨召集，须到场报到</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="57" />
            <source>Reported on site</source>
            <translation>到场报到</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="61" />
            <source>The street blew the whistle</source>
            <translation>街道吹哨召集部门</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="63" />
            <source>The community blew the whistle</source>
            <translation>社区吹哨召集部门</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="65" />
            <source>Reported on site in time</source>
            <translation>按时到场报到</translation>
        </message>
        <message>
            <location filename="../../widgets/incident_timeline.py" line="66" />
            <source>Reported on site late</source>
            <translation>超时到场报到（迟到）</translation>
        </message>
    </context>
    <context>
        <name>IntakeControl</name>
        <message>
            <location filename="../../console/intake_control.py" line="96" />
            <source>Ctrl+click or right-click the map for a new incident here</source>
            <translation>Ctrl+点击或右键地图可在该处新建事件</translation>
        </message>
        <message>
            <location filename="../../console/intake_control.py" line="108" />
            <source>New incident here</source>
            <translation>在此新建事件</translation>
        </message>
        <message>
            <location filename="../../console/intake_control.py" line="110" />
            <source>Ctrl+Click</source>
            <translation>Ctrl+点击</translation>
        </message>
        <message>
            <location filename="../../console/intake_control.py" line="114" />
            <source>Set the open form's point here</source>
            <translation>将受理单位置设在此处</translation>
        </message>
        <message>
            <location filename="../../console/intake_control.py" line="143" />
            <location filename="../../console/intake_control.py" line="151" />
            <source>New incident</source>
            <translation>新建事件</translation>
        </message>
    </context>
    <context>
        <name>IntakeDialog</name>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="124" />
            <source>caller's name (optional)</source>
            <translation>来电人姓名（可选）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="126" />
            <source>caller's phone (optional)</source>
            <translation>来电号码（可选）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="127" />
            <source>Kept with the incident; shown only to dispatchers, shift leads and administrators</source>
            <translation>随事件保存；仅调度员、值班长和管理员可见</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="170" />
            <source>Click the map to set the point (Ctrl+click or right-click the map opens another form)</source>
            <translation>点击地图设置位置（Ctrl+点击或右键地图可另开一张受理单）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="192" />
            <source>Caller</source>
            <translation>来电人</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="193" />
            <source>Phone</source>
            <translation>电话</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="292" />
            <source>no point yet: click the map or pick the address</source>
            <translation>尚未定位：请点击地图或选择地址</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="374" />
            <source>Set the point first: click the map where it is, pick the caller's address, or type the coordinates</source>
            <translation>请先定位：在地图上点击事发位置、选择来电人地址或输入坐标</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="412" />
            <source>Reported as %1; not linked as a duplicate: %2</source>
            <translation>已登记为 %1；未能关联为重复件：%2</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="429" />
            <source>Linking to %1…</source>
            <translation>正在关联到 %1…</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="461" />
            <source>Discard this call?</source>
            <translation>放弃此次受理？</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="462" />
            <source>The form has text that was not sent. Discard it?</source>
            <translation>受理单中有尚未提交的内容，确定放弃吗？</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="467" />
            <source>Keep editing</source>
            <translation>继续填写</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="203" />
            <source>Part</source>
            <translation>关联部件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="100" />
            <source>New incident</source>
            <translation>新建事件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="122" />
            <source>hotline ticket number (optional)</source>
            <translation>热线工单号（可选）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="144" />
            <source>What is wrong, where exactly, since when…</source>
            <translation>什么问题、具体位置、持续多久…</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="165" />
            <source>lat</source>
            <translation>纬度</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="167" />
            <source>lon</source>
            <translation>经度</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="180" />
            <source>As the class says</source>
            <translation>按类别默认</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="190" />
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="191" />
            <source>Ticket</source>
            <translation>工单号</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="196" />
            <source>Description</source>
            <translation>描述</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="197" />
            <source>Point</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="199" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="207" />
            <source>Priority</source>
            <translation>优先级</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="220" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="231" />
            <source>Report</source>
            <translation>提交</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="234" />
            <source>Send the report (Ctrl+Enter)</source>
            <translation>提交上报（Ctrl+Enter）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="236" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="305" />
            <source>outside every grid of the city</source>
            <translation>不在本市任何网格内</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="314" />
            <source>As the class says (%1)</source>
            <translation>按类别默认（%1）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="331" />
            <source>Possible duplicates nearby: %1</source>
            <translation>附近可能的重复事件：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="369" />
            <source>Pick the event class</source>
            <translation>请选择事件类别</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="372" />
            <source>Describe the problem</source>
            <translation>请描述问题</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="379" />
            <source>The point is outside every grid: click the map</source>
            <translation>位置不在任何网格内：请在地图上点击</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="399" />
            <source>Sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="423" />
            <source>Reported</source>
            <translation>已上报</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="436" />
            <source>refused</source>
            <translation>被拒绝</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="135" />
            <source>Type the caller's address: Chinese, pinyin or initials; Enter takes the best place, Down lists them</source>
            <translation>输入来电人地址：汉字、拼音或首字母均可；回车取最佳结果，向下键列出全部</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="194" />
            <source>Address</source>
            <translation>地址</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="200" />
            <source>Where</source>
            <translation>所在</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="275" />
            <source>Point set from %1</source>
            <translation>已按“%1”定位</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="80" />
            <source>name and phone (optional)</source>
            <translation>姓名和电话（可选）</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="109" />
            <source>Click the map to set the point</source>
            <translation>在地图上点击以设置位置</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_dialog.py" line="126" />
            <source>Reporter</source>
            <translation>报告人</translation>
        </message>
    </context>
    <context>
        <name>KpiStrip</name>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="24" />
            <source>Reported today</source>
            <translation>今日上报</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="25" />
            <source>Incidents reported since midnight</source>
            <translation>今日零点以来上报的事件</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="26" />
            <source>Open</source>
            <translation>在办</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="27" />
            <source>Incidents not closed or cancelled</source>
            <translation>未结案、未注销的事件</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="28" />
            <source>Overdue</source>
            <translation>超时</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="29" />
            <source>Open incidents past their time limit</source>
            <translation>已超过时限的在办事件</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="30" />
            <source>Closure rate</source>
            <translation>结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="31" />
            <source>Closed / due today (handling deadline today)</source>
            <translation>今日到期事件中已结案的比例</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="32" />
            <source>On-time rate</source>
            <translation>按期结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="33" />
            <source>Closed on time / due today, extensions included</source>
            <translation>今日到期事件中按期（含延期）结案的比例</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="34" />
            <source>Mean response</source>
            <translation>平均响应</translation>
        </message>
        <message>
            <location filename="../../widgets/kpi_strip.py" line="35" />
            <source>Dispatch → acknowledgement, acknowledged today</source>
            <translation>派遣到签收的平均用时（今日签收）</translation>
        </message>
    </context>
    <context>
        <name>Labels</name>
        <message>
            <location filename="../../widgets/labels.py" line="28" />
            <source>Reported</source>
            <translation>已上报</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="29" />
            <source>Registered</source>
            <translation>已立案</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="30" />
            <location filename="../../widgets/labels.py" line="41" />
            <location filename="../../widgets/labels.py" line="55" />
            <source>Dispatched</source>
            <translation>已派遣</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="31" />
            <location filename="../../widgets/labels.py" line="42" />
            <source>Acknowledged</source>
            <translation>已签收</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="32" />
            <location filename="../../widgets/labels.py" line="43" />
            <source>Handling</source>
            <translation>处置中</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="33" />
            <location filename="../../widgets/labels.py" line="44" />
            <source>Responded</source>
            <translation>已反馈</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="34" />
            <source>Verified</source>
            <translation>已核查</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="35" />
            <source>Parked</source>
            <translation>已挂账</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="36" />
            <source>Closed</source>
            <translation>已结案</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="37" />
            <location filename="../../widgets/labels.py" line="94" />
            <source>Cancelled</source>
            <translation>已注销</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="54" />
            <source>Available</source>
            <translation>空闲</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="56" />
            <source>En route</source>
            <translation>在途</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="57" />
            <source>On scene</source>
            <translation>到场</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="58" />
            <source>Busy</source>
            <translation>忙碌</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="59" />
            <source>Returning</source>
            <translation>返回中</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="60" />
            <source>Off duty</source>
            <translation>下班</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="61" />
            <source>Out of service</source>
            <translation>停用</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="65" />
            <source>Urgent</source>
            <translation>紧急</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="66" />
            <source>High</source>
            <translation>高</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="67" />
            <source>Normal</source>
            <translation>一般</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="68" />
            <source>Low</source>
            <translation>低</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="72" />
            <source>Grid worker</source>
            <translation>网格员</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="73" />
            <source>12345 hotline</source>
            <translation>12345热线</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="74" />
            <source>Citizen app</source>
            <translation>市民App</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="75" />
            <source>IoT sensor</source>
            <translation>物联感知</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="76" />
            <source>Video analytics</source>
            <translation>视频智能分析</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="77" />
            <source>Higher level</source>
            <translation>上级交办</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="78" />
            <source>Dispatcher</source>
            <translation>坐席录入</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="82" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="83" />
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="84" />
            <source>Street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="85" />
            <source>District</source>
            <translation>区</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="86" />
            <source>City</source>
            <translation>市</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="90" />
            <source>Fixed</source>
            <translation>已解决</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="91" />
            <source>Duplicate</source>
            <translation>重复件</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="92" />
            <source>Not our responsibility</source>
            <translation>非本部门职责</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="93" />
            <source>Unable to fix</source>
            <translation>无法解决</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="108" />
            <source>Dispatch</source>
            <translation>派遣</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="109" />
            <source>Acknowledge</source>
            <translation>签收</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="110" />
            <source>Handle</source>
            <translation>处置</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="111" />
            <source>Verify</source>
            <translation>核查</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="124" />
            <source>%1 minutes</source>
            <translation>%1分钟</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="125" />
            <source>%1 hours</source>
            <translation>%1小时</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="126" />
            <source>%1 days</source>
            <translation>%1天</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="127" />
            <source>%1 working hours</source>
            <translation>%1工作小时</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="128" />
            <source>%1 working days</source>
            <translation>%1个工作日</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="283" />
            <location filename="../../widgets/labels.py" line="299" />
            <source>%1h %2m</source>
            <translation>%1时%2分</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="285" />
            <location filename="../../widgets/labels.py" line="301" />
            <source>%1d %2h</source>
            <translation>%1天%2时</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="295" />
            <source>%1s</source>
            <translation>%1秒</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="297" />
            <source>%1m</source>
            <translation>%1分钟</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="45" />
            <source>Released</source>
            <translation>已解除</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="49" />
            <source>Lead</source>
            <translation>主办</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="50" />
            <source>Assisting</source>
            <translation>协办</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="95" />
            <source>Handed back</source>
            <translation>已退回</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="112" />
            <source>Call-back</source>
            <translation>回访</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="117" />
            <source>Satisfied</source>
            <translation>满意</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="118" />
            <source>Basically satisfied</source>
            <translation>基本满意</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="119" />
            <source>Unsatisfied</source>
            <translation>不满意</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="113" />
            <source>Arrival (报到)</source>
            <translation>报到</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <location filename="../../console/login_dialog.py" line="22" />
            <source>Gridline — log in</source>
            <translation>Gridline — 登录</translation>
        </message>
        <message>
            <location filename="../../console/login_dialog.py" line="31" />
            <source>Server</source>
            <translation>服务器</translation>
        </message>
        <message>
            <location filename="../../console/login_dialog.py" line="32" />
            <source>Operator</source>
            <translation>操作员</translation>
        </message>
        <message>
            <location filename="../../console/login_dialog.py" line="33" />
            <source>Password</source>
            <translation>密码</translation>
        </message>
        <message>
            <location filename="../../console/login_dialog.py" line="34" />
            <source>Workstation</source>
            <translation>工作站</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <location filename="../../console/tool_windows.py" line="136" />
            <source>&amp;Hazards…</source>
            <translation>危险源(&amp;H)…</translation>
        </message>
        <message>
            <location filename="../../console/tool_windows.py" line="133" />
            <source>&amp;Run cards…</source>
            <translation>出动预案(&amp;R)…</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="137" />
            <source>Part</source>
            <translation>部件</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="84" />
            <source>Gridline — {0}</source>
            <translation>Gridline 指挥调度 — {0}</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="129" />
            <source>Incident queue</source>
            <translation>事件队列</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="131" />
            <source>Incident</source>
            <translation>事件详情</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="133" />
            <source>Region</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="135" />
            <source>Units</source>
            <translation>处置力量</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="163" />
            <source>Indicators</source>
            <translation>指标</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="169" />
            <source>Command</source>
            <translation>命令</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="173" />
            <source>Level </source>
            <translation>层级 </translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="175" />
            <source>District</source>
            <translation>区</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="175" />
            <source>Street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="175" />
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="176" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="182" />
            <source> Shade </source>
            <translation> 着色 </translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="184" />
            <source>None</source>
            <translation>无</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="184" />
            <source>Open incidents</source>
            <translation>未结事件</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="185" />
            <source>Overdue incidents</source>
            <translation>超期事件</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="202" />
            <source>Parts</source>
            <translation>部件</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="204" />
            <source>Show city parts: cameras with their field of view, streetlights, manhole covers, hydrants</source>
            <translation>显示城市部件：摄像头及其视场、路灯、井盖、消火栓</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="208" />
            <source>Whole city</source>
            <translation>全市</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="221" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="224" />
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="227" />
            <source>&amp;Incident</source>
            <translation>事件(&amp;I)</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="241" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="252" />
            <source>Theme</source>
            <translation>主题</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="253" />
            <source>Light</source>
            <translation>浅色</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="253" />
            <source>Dark</source>
            <translation>深色</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="262" />
            <source>&amp;Help</source>
            <translation>帮助(&amp;H)</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="263" />
            <source>Command line help</source>
            <translation>命令行帮助</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="264" />
            <location filename="../../console/main_window.py" line="455" />
            <source>About Gridline</source>
            <translation>关于 Gridline</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="450" />
            <source>Gridline — command and dispatch for city grid governance.</source>
            <translation>Gridline — 城市网格化治理指挥调度系统。</translation>
        </message>
        <message>
            <location filename="../../console/tool_windows.py" line="130" />
            <source>&amp;Tools</source>
            <translation>工具(&amp;T)</translation>
        </message>
        <message>
            <location filename="../../console/tool_windows.py" line="139" />
            <source>&amp;Audit trail…</source>
            <translation>审计日志(&amp;A)…</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="191" />
            <source> Units </source>
            <translation> 力量 </translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="193" />
            <source>Colour the units on the map</source>
            <translation>地图上力量的着色方式</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="194" />
            <source>by department</source>
            <translation>按部门</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="195" />
            <source>by status</source>
            <translation>按状态</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="247" />
            <source>Sound for new urgent incidents</source>
            <translation>新紧急事件提示音</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="300" />
            <source>Quit Gridline</source>
            <translation>退出 Gridline</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="301" />
            <source>Quit the console? Open forms are lost.</source>
            <translation>退出控制台？未发送的表单将丢失。</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="304" />
            <source>Quit</source>
            <translation>退出</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="305" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="213" />
            <source>Find a place</source>
            <translation>查找地点</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="444" />
            <source>Field gateway: {0}</source>
            <translation>现场网关：{0}</translation>
        </message>
        <message>
            <location filename="../../console/main_window.py" line="452" />
            <source>Field gateway (phones, Open311, 12345/110): {0}
Open311 demo API key: open311-demo</source>
            <translation>现场网关（手机端、Open311、12345/110）：{0}
Open311 演示 API 密钥：open311-demo</translation>
        </message>
        <message>
            <location filename="../../console/tool_windows.py" line="143" />
            <source>&amp;Workload…</source>
            <translation>工作量(&amp;W)…</translation>
        </message>
        <message>
            <location filename="../../console/tool_windows.py" line="145" />
            <source>&amp;Evaluation…</source>
            <translation>绩效评价(&amp;E)…</translation>
        </message>
    </context>
    <context>
        <name>MapPlaces</name>
        <message>
            <location filename="../../console/map_places.py" line="35" />
            <source>Find a place (Ctrl+F)</source>
            <translation>查找地点（Ctrl+F）</translation>
        </message>
        <message>
            <location filename="../../console/map_places.py" line="36" />
            <source>Find an address, road or place on the map: Chinese, pinyin or initials; Escape drops the place shown</source>
            <translation>在地图上查找地址、道路或地点：汉字、拼音或首字母均可；按 Esc 取消标注</translation>
        </message>
    </context>
    <context>
        <name>MapText</name>
        <message>
            <location filename="../../console/map_units.py" line="34" />
            <source>Legend</source>
            <translation>图例</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="35" />
            <source>Units by department</source>
            <translation>力量（按部门）</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="36" />
            <source>Units by status</source>
            <translation>力量（按状态）</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="37" />
            <source>Clusters</source>
            <translation>聚合</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="38" />
            <source>number of units there; click to zoom in</source>
            <translation>该处力量数量，点击放大</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="39" />
            <source>Incidents by priority</source>
            <translation>事件（按优先级）</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="40" />
            <source>overdue</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="41" />
            <source>Parts</source>
            <translation>部件</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="42" />
            <source>damaged or missing</source>
            <translation>损坏或丢失</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="43" />
            <source>min</source>
            <translation>最小</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="44" />
            <source>max</source>
            <translation>最大</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="47" />
            <source>Open incidents per region</source>
            <translation>各区域未结事件数</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="48" />
            <source>Overdue incidents per region</source>
            <translation>各区域超期事件数</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="51" />
            <source>Department:</source>
            <translation>部门：</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="52" />
            <source>Type:</source>
            <translation>类型：</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="53" />
            <source>Status:</source>
            <translation>状态：</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="54" />
            <source>In status:</source>
            <translation>状态时长：</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="55" />
            <source>Incident:</source>
            <translation>事件：</translation>
        </message>
        <message>
            <location filename="../../console/map_units.py" line="56" />
            <source>%1 units: click to zoom in</source>
            <translation>%1 支力量：点击放大</translation>
        </message>
    </context>
    <context>
        <name>MapView</name>
        <message>
            <location filename="../../maps/web_page.py" line="25" />
            <source>Offline map</source>
            <translation>离线底图</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="26" />
            <source>No basemap</source>
            <translation>无底图</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="27" />
            <source>Regions</source>
            <translation>区域</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="28" />
            <source>Region names</source>
            <translation>区域名称</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="29" />
            <source>Units</source>
            <translation>处置力量</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="30" />
            <source>Incidents</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../maps/web_page.py" line="31" />
            <source>Basemap opacity</source>
            <translation>底图不透明度</translation>
        </message>
    </context>
    <context>
        <name>PartCard</name>
        <message>
            <location filename="../../widgets/part_labels.py" line="78" />
            <source>Above ground</source>
            <translation>地上式</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="57" />
            <source>Alarm level</source>
            <translation>报警水位</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="56" />
            <source>Alarm threshold</source>
            <translation>报警阈值</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="87" />
            <source>Aluminium</source>
            <translation>铝合金</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="53" />
            <source>Area</source>
            <translation>面积</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="92" />
            <source>Attributes</source>
            <translation>属性</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="38" />
            <source>Capacity</source>
            <translation>容量</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="72" />
            <source>Cast iron</source>
            <translation>铸铁</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="26" />
            <source>Circuit</source>
            <translation>回路</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="104" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="71" />
            <source>Click a part on the map (show the Parts layer)</source>
            <translation>在地图上点击一个部件（需打开“部件”图层）</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="113" />
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="73" />
            <source>Composite</source>
            <translation>复合材料</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="74" />
            <source>Concrete</source>
            <translation>混凝土</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="43" />
            <source>Controller</source>
            <translation>信号机</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="16" />
            <source>Damaged</source>
            <translation>破损</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="40" />
            <source>Department in charge</source>
            <translation>主管部门</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="29" />
            <source>Diameter</source>
            <translation>直径</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="77" />
            <source>Dome</source>
            <translation>球机</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="108" />
            <source>Double-click to select the incident</source>
            <translation>双击选中该事件</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="89" />
            <source>Enamel</source>
            <translation>搪瓷</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="32" />
            <source>Field of view</source>
            <translation>视场角</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="40" />
            <source>Fill sensor</source>
            <translation>满溢传感器</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="75" />
            <source>Fixed</source>
            <translation>固定枪机</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="68" />
            <source>Gas</source>
            <translation>燃气</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="46" />
            <source>Girth</source>
            <translation>胸径周长</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="50" />
            <source>Grade</source>
            <translation>等级</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="39" />
            <source>Grid</source>
            <translation>所在网格</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="94" />
            <source>Guide</source>
            <translation>指路</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="83" />
            <source>Hazardous waste</source>
            <translation>有害垃圾</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="33" />
            <source>Heading</source>
            <translation>朝向</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="71" />
            <source>Heating</source>
            <translation>热力</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="47" />
            <source>Height</source>
            <translation>高度</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="97" />
            <source>High</source>
            <translation>高压</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="102" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="97" />
            <source>Incident history</source>
            <translation>问题记录</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="194" />
            <source>Incident history (%1)</source>
            <translation>问题记录（%1）</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="15" />
            <source>Intact</source>
            <translation>完好</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="35" />
            <source>Kind</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="82" />
            <source>Kitchen waste</source>
            <translation>厨余垃圾</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="62" />
            <source>LED</source>
            <translation>LED</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="23" />
            <source>Lamp</source>
            <translation>光源</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="52" />
            <source>Length</source>
            <translation>长度</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="95" />
            <source>Low</source>
            <translation>低压</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="42" />
            <source>Maintained by</source>
            <translation>养护单位</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="93" />
            <source>Mandatory</source>
            <translation>指示</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="28" />
            <source>Material</source>
            <translation>材质</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="96" />
            <source>Medium</source>
            <translation>中压</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="64" />
            <source>Metal halide</source>
            <translation>金卤灯</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="17" />
            <source>Missing</source>
            <translation>缺失</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="30" />
            <source>Model</source>
            <translation>型号</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="34" />
            <source>Mount</source>
            <translation>安装方式</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="86" />
            <source>No</source>
            <translation>无</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="36" />
            <source>Number</source>
            <translation>编号</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="18" />
            <source>Occupied</source>
            <translation>被占用</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="110" />
            <source>Open the new-incident form at this part, with the part referenced</source>
            <translation>在此部件处打开新事件表单，并关联该部件</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="84" />
            <source>Other waste</source>
            <translation>其他垃圾</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="36" />
            <source>Outlet</source>
            <translation>出水口径</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="41" />
            <source>Owner</source>
            <translation>所属单位</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="76" />
            <source>Pan-tilt-zoom</source>
            <translation>云台（PTZ）</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="54" />
            <source>Permit</source>
            <translation>审批文号</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="44" />
            <source>Phases</source>
            <translation>相位数</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="90" />
            <source>Plastic</source>
            <translation>塑料</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="25" />
            <source>Pole height</source>
            <translation>灯杆高度</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="38" />
            <source>Position</source>
            <translation>位置</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="24" />
            <source>Power</source>
            <translation>功率</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="69" />
            <source>Power cables</source>
            <translation>电力</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="37" />
            <source>Pressure</source>
            <translation>压力</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="55" />
            <source>Pressure class</source>
            <translation>压力级制</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="92" />
            <source>Prohibition</source>
            <translation>禁令</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="114" />
            <source>Put the card away (Esc)</source>
            <translation>关闭部件卡片（Esc）</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="65" />
            <source>Rainwater</source>
            <translation>雨水</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="31" />
            <source>Range</source>
            <translation>监控距离</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="81" />
            <source>Recyclable</source>
            <translation>可回收物</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="109" />
            <source>Report incident here</source>
            <translation>上报问题</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="103" />
            <source>Reported</source>
            <translation>上报时间</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="49" />
            <source>Routes</source>
            <translation>线路数</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="66" />
            <source>Sewage</source>
            <translation>污水</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="42" />
            <source>Sign code</source>
            <translation>标志编码</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="63" />
            <source>Sodium</source>
            <translation>高压钠灯</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="45" />
            <source>Species</source>
            <translation>树种</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="51" />
            <source>Stalls</source>
            <translation>厕位数</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="43" />
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="105" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="88" />
            <source>Steel</source>
            <translation>钢</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="48" />
            <source>Stop name</source>
            <translation>站名</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="70" />
            <source>Telecom</source>
            <translation>通信</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="41" />
            <source>Text</source>
            <translation>牌面文字</translation>
        </message>
        <message>
            <location filename="../../widgets/part_card.py" line="37" />
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="79" />
            <source>Underground</source>
            <translation>地下式</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="27" />
            <source>Usage</source>
            <translation>用途</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="80" />
            <source>Wall-mounted</source>
            <translation>墙壁式</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="91" />
            <source>Warning</source>
            <translation>警告</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="39" />
            <source>Waste stream</source>
            <translation>垃圾分类</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="67" />
            <source>Water supply</source>
            <translation>给水</translation>
        </message>
        <message>
            <location filename="../../widgets/part_labels.py" line="85" />
            <source>Yes</source>
            <translation>有</translation>
        </message>
    </context>
    <context>
        <name>PlaceHistoryPanel</name>
        <message>
            <location filename="../../widgets/intake_history.py" line="137" />
            <source>Open</source>
            <translation>查看</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="139" />
            <source>Show the incident in the console</source>
            <translation>在控制台中显示该事件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="142" />
            <location filename="../../widgets/intake_history.py" line="198" />
            <source>Same problem</source>
            <translation>同一问题</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="145" />
            <source>File the call as a duplicate of the selected incident</source>
            <translation>将此次来电登记为所选事件的重复件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="166" />
            <source>%1 incidents within %2 m in the last %3 days</source>
            <translation>近 %3 天内 %2 米范围内有 %1 起事件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="171" />
            <source>No incident here lately</source>
            <translation>此处近期无事件</translation>
        </message>
        <message>
            <location filename="../../widgets/intake_history.py" line="197" />
            <source>Duplicate of %1</source>
            <translation>重复于 %1</translation>
        </message>
    </context>
    <context>
        <name>QueuePanel</name>
        <message>
            <location filename="../../widgets/queue_panel.py" line="153" />
            <source>Search id, description, grid, class, reporter…</source>
            <translation>搜索编号、描述、网格、类别、报告人…</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="158" />
            <source>Open only</source>
            <translation>仅在办</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="163" />
            <source>Overdue</source>
            <translation>超时</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="165" />
            <source>Show only incidents whose time limit has passed</source>
            <translation>只显示已超时的事件</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="182" />
            <source>All priorities</source>
            <translation>全部优先级</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="185" />
            <source>All classes</source>
            <translation>全部类别</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="188" />
            <source>All departments</source>
            <translation>全部部门</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="191" />
            <source>Whole city</source>
            <translation>全市</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="205" />
            <source>Clear filters</source>
            <translation>清除筛选</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="372" />
            <source>Overdue %1</source>
            <translation>超时 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="374" />
            <source>%1 of %2 shown</source>
            <translation>显示 %1 / 共 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="456" />
            <source>New urgent incident %1 · %2 · %3 — click or press %4 to view</source>
            <translation>新紧急事件 %1 · %2 · %3 — 点击或按 %4 查看</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="169" />
            <source>Awaiting call-back</source>
            <translation>待回访</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="170" />
            <source>Show only closed citizen's cases whose call-back is due</source>
            <translation>只显示已结案、待回访的市民诉求</translation>
        </message>
        <message>
            <location filename="../../widgets/queue_panel.py" line="370" />
            <source>New urgent incident %1 · %2 · %3 — click to view</source>
            <translation>新紧急事件 %1 · %2 · %3 — 点击查看</translation>
        </message>
    </context>
    <context>
        <name>RegionPanel</name>
        <message>
            <location filename="../../console/region_panel.py" line="29" />
            <source>Click a region on the map</source>
            <translation>在地图上点击一个区域</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="41" />
            <source>Open incidents</source>
            <translation>未结事件</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="70" />
            <source>Grid worker</source>
            <translation>网格员</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="70" />
            <source>Grids</source>
            <translation>网格数</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="72" />
            <source>Reported today</source>
            <translation>今日上报</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="72" />
            <source>Open</source>
            <translation>未结</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="73" />
            <source>Overdue</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="74" />
            <source>Closure rate</source>
            <translation>结案率</translation>
        </message>
        <message>
            <location filename="../../console/region_panel.py" line="75" />
            <source>On-time rate</source>
            <translation>按期结案率</translation>
        </message>
    </context>
    <context>
        <name>ReplayWindow</name>
        <message>
            <location filename="../../console/replay_window.py" line="114" />
            <source>Gridline replay — {0}</source>
            <translation>Gridline 回放 — {0}</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="148" />
            <source>Incident queue</source>
            <translation>事件队列</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="151" />
            <source>Bookmarks</source>
            <translation>书签</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="153" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="155" />
            <source>Units</source>
            <translation>处置力量</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="157" />
            <source>Incident timeline</source>
            <translation>事件时间线</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="202" />
            <source>Indicators</source>
            <translation>指标</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="205" />
            <source>REPLAY · read-only</source>
            <translation>回放 · 只读</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="210" />
            <source>Recorded history: nothing is ever sent and the live state never changes</source>
            <translation>历史记录回放：不发送任何指令，不改变实时状态</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="220" />
            <source>Timeline</source>
            <translation>时间轴</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="227" />
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="228" />
            <source>Export shift report (PDF)…</source>
            <translation>导出交接班报告（PDF）…</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="231" />
            <source>Export shift report (CSV)…</source>
            <translation>导出交接班报告（CSV）…</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="235" />
            <source>&amp;Close</source>
            <translation>关闭(&amp;C)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="238" />
            <source>&amp;Replay</source>
            <translation>回放(&amp;R)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="246" />
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="256" />
            <source>Window {0} — {1} · {2} events</source>
            <translation>时段 {0} — {1} · {2} 条事件记录</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="330" />
            <source>event #{0} · {1} incidents · {2} units</source>
            <translation>事件记录 #{0} · {1} 起事件 · {2} 支力量</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="361" />
            <source>PDF files (*.pdf)</source>
            <translation>PDF 文件 (*.pdf)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="361" />
            <source>CSV files (*.csv)</source>
            <translation>CSV 文件 (*.csv)</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="362" />
            <source>Export shift report</source>
            <translation>导出交接班报告</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="370" />
            <source>Could not export: {0}</source>
            <translation>导出失败：{0}</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="373" />
            <source>Shift report saved to {0}</source>
            <translation>交接班报告已保存到 {0}</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="383" />
            <source>Replay is read-only: nothing was sent to the server</source>
            <translation>回放为只读：未向服务器发送任何指令</translation>
        </message>
        <message>
            <location filename="../../console/replay_selection.py" line="118" />
            <source>Handover: check this incident</source>
            <translation>交接班：请关注此事件</translation>
        </message>
        <message>
            <location filename="../../console/replay_map.py" />
            <source> Units </source>
            <translation> 力量 </translation>
        </message>
        <message>
            <location filename="../../console/replay_map.py" />
            <source>Colour the units on the map</source>
            <translation>地图上力量的着色方式</translation>
        </message>
        <message>
            <location filename="../../console/replay_map.py" />
            <source>by department</source>
            <translation>按部门</translation>
        </message>
        <message>
            <location filename="../../console/replay_map.py" />
            <source>by status</source>
            <translation>按状态</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="267" />
            <source>Map</source>
            <translation>地图</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="269" />
            <source>Level </source>
            <translation>层级 </translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="271" />
            <source>District</source>
            <translation>区</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="271" />
            <source>Street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="271" />
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="272" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="278" />
            <source> Shade </source>
            <translation> 着色 </translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="280" />
            <source>None</source>
            <translation>无</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="280" />
            <source>Open incidents</source>
            <translation>在办事件</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="281" />
            <source>Overdue incidents</source>
            <translation>超时事件</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="287" />
            <source>Unit tracks</source>
            <translation>力量轨迹</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="291" />
            <source>Paths over the window of the selected incident's units, or of the selected unit</source>
            <translation>显示所选事件处置力量（或所选力量）在回放时段内的轨迹</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="294" />
            <source>Zoom to tracks</source>
            <translation>缩放到轨迹</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="298" />
            <source>Whole city</source>
            <translation>全市</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="767" />
            <source>Starting the local dispatch server…</source>
            <translation>正在启动本地调度服务器…</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="784" />
            <location filename="../../console/replay_window.py" line="875" />
            <source>Start-up cancelled.</source>
            <translation>已取消启动。</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="795" />
            <source>The local dispatch server did not start in time</source>
            <translation>本地调度服务器未能按时启动</translation>
        </message>
        <message>
            <location filename="../../console/replay_window.py" line="836" />
            <source>Logging in…</source>
            <translation>正在登录…</translation>
        </message>
    </context>
    <context>
        <name>Roles</name>
        <message>
            <location filename="../../widgets/labels.py" line="99" />
            <source>Dispatcher</source>
            <translation>调度员</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="100" />
            <source>Shift lead</source>
            <translation>值班长</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="101" />
            <source>Wall screen</source>
            <translation>大屏</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="102" />
            <source>Field gateway</source>
            <translation>现场网关</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="103" />
            <source>Administrator</source>
            <translation>管理员</translation>
        </message>
        <message>
            <location filename="../../widgets/labels.py" line="104" />
            <source>System</source>
            <translation>系统</translation>
        </message>
    </context>
    <context>
        <name>RunCards</name>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="56" />
            <location filename="../../widgets/run_card_editor.py" line="204" />
            <source>Class</source>
            <translation>事件类别</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="56" />
            <location filename="../../widgets/run_card_editor.py" line="205" />
            <source>Priority</source>
            <translation>优先级</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="57" />
            <source>Sends</source>
            <translation>派出</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="97" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="98" />
            <source>Unit type</source>
            <translation>单位类型</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="98" />
            <source>Count</source>
            <translation>数量</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="147" />
            <source>any</source>
            <translation>任意</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="157" />
            <source>Run cards</source>
            <translation>出动预案</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="192" />
            <source>Add line</source>
            <translation>添加一行</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="194" />
            <source>Remove line</source>
            <translation>删除该行</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="196" />
            <source>Save card</source>
            <translation>保存预案</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="198" />
            <source>Remove card</source>
            <translation>删除预案</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="288" />
            <source>Sending…</source>
            <translation>发送中…</translation>
        </message>
        <message>
            <location filename="../../widgets/run_card_editor.py" line="296" />
            <source>Saved on the server</source>
            <translation>已保存到服务器</translation>
        </message>
    </context>
    <context>
        <name>Startup</name>
        <message>
            <location filename="../../console/startup.py" line="138" />
            <source>Starting the local dispatch server…</source>
            <translation>正在启动本地调度服务…</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="149" />
            <location filename="../../console/startup.py" line="271" />
            <source>Start-up cancelled.</source>
            <translation>已取消启动。</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="160" />
            <source>The local dispatch server did not start in time; see {0}</source>
            <translation>本地调度服务未能按时启动，请查看 {0}</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="122" />
            <source>Logging in…</source>
            <translation>正在登录…</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="229" />
            <source>Logging in and loading the city…</source>
            <translation>正在登录并加载城市…</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="257" />
            <source>Could not log in: {0}</source>
            <translation>登录失败：{0}</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="361" />
            <source>No event of {0} in this replay</source>
            <translation>本次回放中没有 {0} 的事件</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="441" />
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="95" />
            <location filename="../../console/startup.py" line="230" />
            <source>Reading the history…</source>
            <translation>正在读取历史记录…</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="96" />
            <source>database {0}</source>
            <translation>数据库 {0}</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="253" />
            <source>server {0}</source>
            <translation>服务器 {0}</translation>
        </message>
        <message>
            <location filename="../../console/startup.py" line="100" />
            <location filename="../../console/startup.py" line="258" />
            <source>Could not load the history: {0}</source>
            <translation>无法读取历史记录：{0}</translation>
        </message>
    </context>
    <context>
        <name>StatusBar</name>
        <message>
            <location filename="../../console/status_bar.py" line="31" />
            <source>Connecting…</source>
            <translation>正在连接…</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="40" />
            <source>whole city</source>
            <translation>全市</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="61" />
            <source>● Live</source>
            <translation>● 实时</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="62" />
            <source>◐ Resyncing</source>
            <translation>◐ 正在重新同步</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="63" />
            <source>○ Connecting</source>
            <translation>○ 正在连接</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="64" />
            <source>✕ Disconnected</source>
            <translation>✕ 已断开</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="65" />
            <source>✕ Refused</source>
            <translation>✕ 被拒绝</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="76" />
            <source>seq {0}</source>
            <translation>序号 {0}</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="77" />
            <source>{0} updates/s</source>
            <translation>{0} 次更新/秒</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="83" />
            <source>data stale since {0}</source>
            <translation>数据自 {0} 起未更新</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="101" />
            <source>server {0} ({1} of {2})</source>
            <translation>服务器 {0}（第 {1} 台，共 {2} 台）</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="105" />
            <source>server {0}</source>
            <translation>服务器 {0}</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="111" />
            <source>⇄ failed over at {0} to {1}</source>
            <translation>⇄ {0} 已切换到{1}</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="114" />
            <source>⇄ failing over: trying {0}</source>
            <translation>⇄ 正在切换：尝试{0}</translation>
        </message>
        <message>
            <location filename="../../console/status_bar.py" line="118" />
            <source>The dispatch server this console is on; with a standby, the console moves to the server that leads by itself</source>
            <translation>本席位当前连接的调度服务器；配有热备时，席位会自动切换到正在主控的服务器</translation>
        </message>
    </context>
    <context>
        <name>SummaryPrinter</name>
        <message>
            <location filename="../../console/incident_print.py" line="60" />
            <source>Print the incident summary</source>
            <translation>打印事件摘要</translation>
        </message>
        <message>
            <location filename="../../console/incident_print.py" line="61" />
            <source>PDF files (*.pdf)</source>
            <translation>PDF 文件 (*.pdf)</translation>
        </message>
        <message>
            <location filename="../../console/incident_print.py" line="109" />
            <source>Summary of %1 saved to %2</source>
            <translation>事件 %1 的摘要已保存到 %2</translation>
        </message>
        <message>
            <location filename="../../console/incident_print.py" line="112" />
            <source>Could not print the summary of %1: %2</source>
            <translation>无法打印事件 %1 的摘要：%2</translation>
        </message>
    </context>
    <context>
        <name>TimelineScrubber</name>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="43" />
            <source>Play</source>
            <translation>播放</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="44" />
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="45" />
            <source>Previous event</source>
            <translation>上一条记录</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="46" />
            <source>Next event</source>
            <translation>下一条记录</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="47" />
            <source>Previous event of the incident</source>
            <translation>该事件的上一条记录</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="48" />
            <source>Next event of the incident</source>
            <translation>该事件的下一条记录</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="49" />
            <source>Start of the window</source>
            <translation>时段开始</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="50" />
            <source>End of the window</source>
            <translation>时段结束</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="51" />
            <source>Slower</source>
            <translation>减速</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="52" />
            <source>Faster</source>
            <translation>加速</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="53" />
            <source>Bookmark this instant</source>
            <translation>为此刻加书签</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="126" />
            <source>Playback speed</source>
            <translation>回放速度</translation>
        </message>
        <message>
            <location filename="../../widgets/timeline_scrubber.py" line="352" />
            <source>event %1 / %2</source>
            <translation>记录 %1 / %2</translation>
        </message>
    </context>
    <context>
        <name>UnitBoard</name>
        <message>
            <location filename="../../widgets/unit_board.py" line="49" />
            <source>All</source>
            <translation>全部</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="50" />
            <source>Available</source>
            <translation>可派</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="51" />
            <source>Engaged</source>
            <translation>执行任务</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="52" />
            <source>Off duty</source>
            <translation>下班/停用</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="118" />
            <source>Search unit, id, incident…</source>
            <translation>搜索力量、编号、事件…</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="137" />
            <source>All departments</source>
            <translation>全部部门</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="193" />
            <source>All types</source>
            <translation>全部类型</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="241" />
            <source>%1 units · %2 available · %3 on incidents</source>
            <translation>共 %1 支力量 · 空闲 %2 · 执行任务 %3</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="284" />
            <source>Show incident %1</source>
            <translation>查看事件 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_board.py" line="292" />
            <source>Set %1</source>
            <translation>设为“%1”</translation>
        </message>
    </context>
    <context>
        <name>UnitTreeModel</name>
        <message>
            <location filename="../../widgets/unit_cells.py" line="55" />
            <source>Unit</source>
            <translation>力量</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="56" />
            <source>ID</source>
            <translation>编号</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="57" />
            <source>Status</source>
            <translation>状态</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="58" />
            <source>In status</source>
            <translation>状态时长</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="59" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="60" />
            <source>Home grid</source>
            <translation>驻地网格</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="96" />
            <source>%1 of %2 available</source>
            <translation>空闲 %1 / 共 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="164" />
            <source>%1 since %2</source>
            <translation>自 %2 起%1</translation>
        </message>
        <message>
            <location filename="../../widgets/unit_cells.py" line="167" />
            <source>Longer than expected in this status</source>
            <translation>处于该状态的时间过长</translation>
        </message>
    </context>
    <context>
        <name>Wall</name>
        <message>
            <location filename="../../console/wall_screen.py" line="38" />
            <source>Gridline wall — %1</source>
            <translation>Gridline 一屏统览 — %1</translation>
        </message>
        <message>
            <location filename="../../console/wall_screen.py" line="54" />
            <source>%1 · City operations overview</source>
            <translation>%1 · 城市运行一屏统览</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="148" />
            <source>Whole city</source>
            <translation>全市</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="179" />
            <source>Open incidents per grid · %1</source>
            <translation>网格在办事件热力 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="181" />
            <source>Reported per hour · %1</source>
            <translation>今日每小时上报（按大类）· %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="183" />
            <source>Open today · %1</source>
            <translation>今日在办事件走势 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="185" />
            <source>Most overdue · %1</source>
            <translation>超期最久事件 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="187" />
            <source>Department load · %1</source>
            <translation>部门负载 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="259" />
            <source>now %1</source>
            <translation>当前 %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="312" />
            <source>Open per grid: %1 max %2</source>
            <translation>网格在办：%1 最多 %2 起</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="345" />
            <source>⚠ New urgent incident  %1 · %2 · %3</source>
            <translation>⚠ 新紧急事件  %1 · %2 · %3</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="349" />
            <source>(%1 more)</source>
            <translation>（另有 %1 起）</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="385" />
            <source>○ Connecting</source>
            <translation>○ 连接中</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="389" />
            <source>● Live</source>
            <translation>● 实时</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="392" />
            <source>✕ Feed lost</source>
            <translation>✕ 数据中断</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="393" />
            <source>◐ Resyncing</source>
            <translation>◐ 重新同步中</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="397" />
            <source>%1 s ago</source>
            <translation>%1 秒前</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="398" />
            <source>%1 ago</source>
            <translation>%1前</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="399" />
            <source>Data feed interrupted · data stale since %1, %2</source>
            <translation>数据已中断 · 画面停留在 %1（%2）</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="189" />
            <source>Ranking this month · %1</source>
            <translation>本月排名 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="192" />
            <source>Whistles (吹哨报到) · %1</source>
            <translation>吹哨报到 · %1</translation>
        </message>
        <message>
            <location filename="../../console/wall.py" line="269" />
            <source>%1 late</source>
            <translation>%1 起迟到</translation>
        </message>
    </context>
    <context>
        <name>WallCharts</name>
        <message>
            <location filename="../../widgets/wall_charts.py" line="278" />
            <source>Other</source>
            <translation>其他</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_charts.py" line="285" />
            <source>No incidents reported today</source>
            <translation>今日暂无上报</translation>
        </message>
    </context>
    <context>
        <name>WallLists</name>
        <message>
            <location filename="../../widgets/wall_lists.py" line="250" />
            <location filename="../../widgets/wall_whistles.py" line="44" />
            <source>Incident</source>
            <translation>事件</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="251" />
            <source>Class</source>
            <translation>类别</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="253" />
            <source>Grid</source>
            <translation>网格</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="254" />
            <source>Overdue by</source>
            <translation>超期</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="256" />
            <source>Supervised</source>
            <translation>督办</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="257" />
            <location filename="../../widgets/wall_lists.py" line="265" />
            <source>yes</source>
            <translation>督办</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="258" />
            <source>No overdue incidents</source>
            <translation>暂无超期事件</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="284" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="285" />
            <source>Open</source>
            <translation>在办</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="286" />
            <source>Engaged</source>
            <translation>出勤</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="287" />
            <source>Available</source>
            <translation>空闲</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="288" />
            <source>No open incidents</source>
            <translation>暂无在办事件</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_lists.py" line="299" />
            <source>(no department)</source>
            <translation>（未定部门）</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_whistles.py" line="45" />
            <source>Blown by</source>
            <translation>吹哨方</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_whistles.py" line="46" />
            <source>On site</source>
            <translation>已报到</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_whistles.py" line="47" />
            <source>Late</source>
            <translation>迟到部门</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_whistles.py" line="48" />
            <source>Next due</source>
            <translation>报到倒计时</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_whistles.py" line="49" />
            <source>No open whistles</source>
            <translation>暂无进行中的吹哨</translation>
        </message>
    </context>
    <context>
        <name>WallRanking</name>
        <message>
            <location filename="../../widgets/wall_ranking.py" line="63" />
            <source>Score</source>
            <translation>得分</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_ranking.py" line="64" />
            <source>Nothing due this month</source>
            <translation>本月暂无应结案件</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_ranking.py" line="99" />
            <source>Street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_ranking.py" line="100" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_ranking.py" line="113" />
            <source>(no department)</source>
            <translation>（未派遣）</translation>
        </message>
    </context>
    <context>
        <name>WallTiles</name>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="76" />
            <source>Reported today</source>
            <translation>今日上报</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="77" />
            <source>Closed today</source>
            <translation>今日结案</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="78" />
            <source>Closure rate</source>
            <translation>结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="79" />
            <source>On-time closure rate</source>
            <translation>按期结案率</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="80" />
            <source>Mean response</source>
            <translation>平均响应</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="81" />
            <source>Overdue now</source>
            <translation>当前超期</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="153" />
            <source>open %1</source>
            <translation>在办 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="156" />
            <source>closed since midnight</source>
            <translation>零时起结案</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="157" />
            <source>%1 / %2 due today</source>
            <translation>%1 / 今日应结 %2</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="163" />
            <source>dispatch → acknowledgement</source>
            <translation>派遣 → 签收</translation>
        </message>
        <message>
            <location filename="../../widgets/wall_tiles.py" line="165" />
            <source>open past their time limit</source>
            <translation>在办已超时限</translation>
        </message>
    </context>
    <context>
        <name>Whistle</name>
        <message>
            <location filename="../../widgets/whistle_view.py" line="25" />
            <source>Waiting</source>
            <translation>待报到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="26" />
            <source>Late, not on site</source>
            <translation>已超时未报到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="27" />
            <source>On site in time</source>
            <translation>按时报到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="28" />
            <source>On site late</source>
            <translation>迟到报到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="32" />
            <source>Street</source>
            <translation>街道</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="33" />
            <source>Community</source>
            <translation>社区</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="34" />
            <source>Department</source>
            <translation>部门</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="35" />
            <source>Report by</source>
            <translation>报到时限</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="36" />
            <source>On site</source>
            <translation>报到时间</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="37" />
            <source>Arrival clock</source>
            <translation>报到计时</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="60" />
            <source>%1 left</source>
            <translation>剩余 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="62" />
            <source>%1 late</source>
            <translation>超时 %1</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="74" />
            <source>%1/%2 on site</source>
            <translation>已报到 %1/%2</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="77" />
            <source>%1 late</source>
            <comment>departments</comment>
            <translation>%1 个迟到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="124" />
            <source>%1, reported by %2</source>
            <translation>%1，由 %2 报到</translation>
        </message>
        <message>
            <location filename="../../widgets/whistle_view.py" line="149" />
            <source>%1 %2 blew the whistle at %3 (%4): %5</source>
            <translation>%1 %2 于 %3 吹哨（%4）：%5</translation>
        </message>
    </context>
    <context>
        <name>WorkloadModel</name>
        <message>
            <location filename="../../widgets/workload_model.py" line="45" />
            <source>Operator</source>
            <translation>操作员</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="46" />
            <source>Workstations</source>
            <translation>工作站</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="47" />
            <source>Open incidents held</source>
            <translation>在办事件</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="48" />
            <source>Actions, last hour</source>
            <translation>近一小时操作</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="49" />
            <source>Actions, shift</source>
            <translation>本班操作</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="50" />
            <source>Per hour</source>
            <translation>每小时</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="51" />
            <source>Refusals</source>
            <translation>被拒请求</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="52" />
            <source>Last action</source>
            <translation>最近操作</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_model.py" line="137" />
            <source>%1: %2 actions</source>
            <translation>%1：%2 次操作</translation>
        </message>
    </context>
    <context>
        <name>WorkloadWindow</name>
        <message>
            <location filename="../../widgets/workload_window.py" line="74" />
            <source>Workload</source>
            <translation>工作量</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="81" />
            <source>Shift from</source>
            <translation>本班开始</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="83" />
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="84" />
            <source>Read the shift's events again (F5)</source>
            <translation>重新读取本班记录（F5）</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="89" />
            <source>An operator holds an open incident when theirs is its last action. Position reports and the server's own events are not counted.</source>
            <translation>事件的最后一步操作由谁完成，该未结事件即计入谁的在办事件。位置上报和服务器自身的事件不计为操作。</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="102" />
            <source>Pick an operator to list the open incidents they hold</source>
            <translation>选择一名操作员，列出其在办事件</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="103" />
            <source>Double-click or Enter: show the incident in the console</source>
            <translation>双击或回车：在控制台中显示该事件</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="140" />
            <source>The shift cannot start in the future</source>
            <translation>本班开始时间不能晚于现在</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="145" />
            <source>Reading the shift's events…</source>
            <translation>正在读取本班记录…</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="161" />
            <source>Could not read the shift: %1</source>
            <translation>无法读取本班记录：%1</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="173" />
            <source>Updated %1 · %2 actions by %3 operators</source>
            <translation>更新于 %1 · %3 名操作员共 %2 次操作</translation>
        </message>
        <message>
            <location filename="../../widgets/workload_window.py" line="199" />
            <source>Open incidents %1 holds: %2</source>
            <translation>%1 的在办事件：%2 起</translation>
        </message>
    </context>
    <context>
        <name>CommandLineHelp</name>
        <message>
            <source>escalate (a shift lead may skip levels on an urgent or high incident: 越级)</source>
            <translation>上报升级（紧急或高优先级事件，值班长可越级上报）</translation>
        </message>
        <message>
            <source>release an assisting department</source>
            <translation>解除协办部门</translation>
        </message>
        <message>
            <source>register</source>
            <translation>立案</translation>
        </message>
        <message>
            <source>cancel</source>
            <translation>注销</translation>
        </message>
        <message>
            <source>assign units / departments</source>
            <translation>派遣力量／部门</translation>
        </message>
        <message>
            <source>release a unit</source>
            <translation>撤回一支力量</translation>
        </message>
        <message>
            <source>acknowledge</source>
            <translation>签收</translation>
        </message>
        <message>
            <source>start handling</source>
            <translation>开始处置</translation>
        </message>
        <message>
            <source>respond (feedback)</source>
            <translation>反馈</translation>
        </message>
        <message>
            <source>verify on site</source>
            <translation>现场核查</translation>
        </message>
        <message>
            <source>send back for rework</source>
            <translation>返工</translation>
        </message>
        <message>
            <source>close</source>
            <translation>结案</translation>
        </message>
        <message>
            <source>close as duplicate</source>
            <translation>作为重复件结案</translation>
        </message>
        <message>
            <source>evaluate</source>
            <translation>评价</translation>
        </message>
        <message>
            <source>return to dispatch</source>
            <translation>回退至派遣</translation>
        </message>
        <message>
            <source>request an extension</source>
            <translation>申请延期</translation>
        </message>
        <message>
            <source>approve the extension</source>
            <translation>批准延期</translation>
        </message>
        <message>
            <source>reject the extension</source>
            <translation>驳回延期</translation>
        </message>
        <message>
            <source>park (挂账)</source>
            <translation>挂账</translation>
        </message>
        <message>
            <source>resume a parked incident</source>
            <translation>恢复挂账事件</translation>
        </message>
        <message>
            <source>supervise (督办)</source>
            <translation>督办</translation>
        </message>
        <message>
            <source>end supervision</source>
            <translation>结束督办</translation>
        </message>
        <message>
            <source>escalate</source>
            <translation>提级</translation>
        </message>
        <message>
            <source>add a note</source>
            <translation>添加备注</translation>
        </message>
        <message>
            <source>set a unit's status</source>
            <translation>设置力量状态</translation>
        </message>
        <message>
            <source>show a place, a region or an incident on the map</source>
            <translation>在地图上显示地点、区域或事件</translation>
        </message>
        <message>
            <location filename="../../dispatch/domain/cmdline/printing.py" />
            <source>print the incident's one-page summary to a PDF</source>
            <translation>将事件的一页摘要打印为 PDF</translation>
        </message>
        <message>
            <source>call-back (回访; no reopen: 重办)</source>
            <translation>回访（no reopen：不满意重办）</translation>
        </message>
        <message>
            <source>the citizen called again (催办)</source>
            <translation>市民再次来电催办</translation>
        </message>
        <message>
            <source>blow the whistle: summon departments to report on site (吹哨)</source>
            <translation>吹哨：召集部门到场报到</translation>
        </message>
        <message>
            <source>a summoned department reports on site (报到)</source>
            <translation>被召集部门到场报到</translation>
        </message>
    </context>
    <context>
        <name>IncidentPhotos</name>
        <message>
            <source>reported</source>
            <translation>上报</translation>
        </message>
        <message>
            <source>before</source>
            <translation>处置前</translation>
        </message>
        <message>
            <source>after</source>
            <translation>处置后</translation>
        </message>
        <message>
            <source>loading…</source>
            <translation>加载中…</translation>
        </message>
        <message>
            <source>unavailable</source>
            <translation>不可用</translation>
        </message>
        <message>
            <source>Photos</source>
            <translation>现场照片</translation>
        </message>
        <message>
            <source>Photos are unavailable: this console has no access to the field gateway's photos (see Settings).</source>
            <translation>照片不可用：本席位无法读取外场网关的照片（见设置）。</translation>
        </message>
        <message>
            <source>no photo source</source>
            <translation>未配置照片来源</translation>
        </message>
        <message>
            <source>◀ Previous</source>
            <translation>◀ 上一张</translation>
        </message>
        <message>
            <source>Next ▶</source>
            <translation>下一张 ▶</translation>
        </message>
        <message>
            <source>{0} of {1}</source>
            <translation>第 {0} / {1} 组</translation>
        </message>
        <message>
            <source>unavailable: {0}</source>
            <translation>不可用：{0}</translation>
        </message>
    </context>
    <context>
        <name>PhotoSource</name>
        <message>
            <source>not a photo id: {0}</source>
            <translation>不是照片编号：{0}</translation>
        </message>
        <message>
            <source>the photo cannot be read</source>
            <translation>照片无法读取</translation>
        </message>
        <message>
            <source>not stored here ({0})</source>
            <translation>本地未存此照片（{0}）</translation>
        </message>
        <message>
            <source>the photo file cannot be read</source>
            <translation>照片文件无法读取</translation>
        </message>
        <message>
            <source>the gateway refused the console's API key</source>
            <translation>网关拒绝了本席位的 API 密钥</translation>
        </message>
        <message>
            <source>the gateway does not have this photo</source>
            <translation>网关上没有这张照片</translation>
        </message>
        <message>
            <source>the gateway cannot be reached: {0}</source>
            <translation>无法连接网关：{0}</translation>
        </message>
    </context>
</TS>
