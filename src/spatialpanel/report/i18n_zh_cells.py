"""Chinese text cells of the report's tables: test names, outcomes, claims, audit details.

Used by :func:`spatialpanel.report.i18n.translate_cell`; names the user chose (weights,
variables) are not translated, so a table and the sentences citing it use the same names.
"""

from __future__ import annotations

from spatialpanel.indices.coupling import DEFAULT_LABELS
from spatialpanel.report.i18n import Template as Tpl

__all__ = ["CELLS", "CELL_TERMS", "LEVELS_ZH"]

#: Chinese names of the coupling coordination levels (:data:`DEFAULT_LABELS`).
LEVELS_ZH: tuple[str, ...] = (
    "极度失调",
    "严重失调",
    "中度失调",
    "轻度失调",
    "濒临失调",
    "勉强协调",
    "初级协调",
    "中级协调",
    "良好协调",
    "优质协调",
)

#: Text cells of the tables (exact match); names chosen by the user stay as written.
CELL_TERMS: dict[str, str] = {
    # the demo study's dimensions and the coupling coordination levels
    "Economic integration": "经济融合",
    "Factor integration": "要素融合",
    "Spatial environment integration": "空间环境融合",
    "Sharing degree": "共享程度",
    "Affluence level": "富裕程度",
    **dict(zip(DEFAULT_LABELS, LEVELS_ZH, strict=True)),
    # tests and their outcomes (Tables 4-6, the selection battery)
    "LM lag": "LM-lag",
    "LM error": "LM-error",
    "Robust LM lag": "稳健 LM-lag",
    "Robust LM error": "稳健 LM-error",
    "Moran's I (residuals)": "莫兰指数（残差）",
    "LR entity effects": "个体固定效应 LR 检验",
    "LR time effects": "时间固定效应 LR 检验",
    "LR entity effects (non-spatial OLS)": "个体固定效应 LR 检验（非空间 OLS）",
    "LR time effects (non-spatial OLS)": "时间固定效应 LR 检验（非空间 OLS）",
    "no entity (region) fixed effects": "无个体（地区）固定效应",
    "no time (period) fixed effects": "无时间（时期）固定效应",
    "Wald SDM vs SAR": "Wald 检验：SDM 对 SAR",
    "Wald SDM vs SEM": "Wald 检验：SDM 对 SEM",
    "LR SDM vs SAR": "LR 检验：SDM 对 SAR",
    "LR SDM vs SEM": "LR 检验：SDM 对 SEM",
    "θ = 0 (the SDM reduces to the SAR)": "θ = 0（SDM 退化为 SAR）",
    "θ + ρβ = 0 (the SDM reduces to the SEM)": "θ + ρβ = 0（SDM 退化为 SEM）",
    "Is there spatial dependence in the OLS residuals?": "OLS 残差是否存在空间依赖？",
    "Does the SDM reduce to the SAR?": "SDM 能否退化为 SAR？",
    "Does the SDM reduce to the SEM?": "SDM 能否退化为 SEM？",
    "Fixed or random effects?": "固定效应还是随机效应？",
    "Are the entity effects jointly significant?": "个体固定效应是否联合显著？",
    "Are the time effects jointly significant?": "时间固定效应是否联合显著？",
    "reject H0 if p < α": "p < α 时拒绝原假设",
    "spatial dependence": "存在空间依赖",
    "no evidence": "无证据",
    "keep the SDM (not the SAR)": "保留 SDM（不退化为 SAR）",
    "keep the SDM (not the SEM)": "保留 SDM（不退化为 SEM）",
    "reduce to the SAR": "退化为 SAR",
    "reduce to the SEM": "退化为 SEM",
    "fixed effects": "固定效应",
    "random effects": "随机效应",
    "keep the entity effects": "保留个体固定效应",
    "drop the entity effects": "去除个体固定效应",
    "keep the time effects": "保留时间固定效应",
    "drop the time effects": "去除时间固定效应",
    "Hausman": "豪斯曼检验",
    "Hausman (generalised inverse)": "豪斯曼检验（广义逆）",
    "Mundlak (robust)": "Mundlak 检验（稳健）",
    "spatial autoregressive coefficient ρ > 0": "空间自回归系数 ρ > 0",
    "not applicable (no ρ in model)": "不适用（模型不含 ρ）",
    # dynamic model
    "Dynamic SDM (Lee-Yu)": "动态 SDM（Lee-Yu 修正）",
    "Dynamic SDM (uncorrected)": "动态 SDM（未修正）",
    "Dynamic SDM": "动态 SDM",
    "Static SDM": "静态 SDM",
    "short run": "短期",
    "long run": "长期",
    "direct (short run)": "直接效应（短期）",
    "indirect (short run)": "间接效应（短期）",
    "total (short run)": "总效应（短期）",
    "direct (long run)": "直接效应（长期）",
    "indirect (long run)": "间接效应（长期）",
    "total (long run)": "总效应（长期）",
    # disparity
    "steady state": "稳态分布",
    "absolute, cross-section": "绝对收敛，截面",
    "absolute, panel (region FE)": "绝对收敛，面板（地区固定效应）",
    "absolute, panel (two-way FE)": "绝对收敛，面板（双向固定效应）",
    "conditional, cross-section": "条件收敛，截面",
    "conditional, panel (two-way FE)": "条件收敛，面板（双向固定效应）",
    "spatial, SDM (two-way FE)": "空间收敛，SDM（双向固定效应）",
    "fill": "填补",
}

#: Text cells with numbers or names in them.
CELLS: tuple[Tpl, ...] = (
    Tpl(
        "common break: the regions' median change in {t} is {c} against a usual {u} ({r} usual "
        "deviations away); check for a change of definition or coverage. Values used "
        "unchanged.",
        "整体断点：{t} 年各地区变化的中位数为 {c}，通常为 {u}（偏离 {r} 个通常离差）；"
        "请核查统计口径或范围是否变化。数值未作改动。",
    ),
    Tpl(
        "jump: year-on-year change {c} against the region's usual {u} ({r} usual deviations "
        "away); check for a change of definition. Value used unchanged.",
        "跳变：逐年变化 {c}，该地区通常为 {u}（偏离 {r} 个通常离差）；请核查统计口径是否变化。"
        "数值未作改动。",
    ),
    Tpl("direct effect of {core:raw} > 0", "{core} 的直接效应 > 0"),
    Tpl("indirect (spillover) effect of {core:raw} > 0", "{core} 的间接效应（溢出效应）> 0"),
    Tpl("short run {kind} effect of {core:raw} > 0", "{core} 的短期{kind}效应 > 0"),
    Tpl("long run {kind} effect of {core:raw} > 0", "{core} 的长期{kind}效应 > 0"),
    Tpl(
        "linear interpolation between {t0} ({v0}) and {t1} ({v1})",
        "由 {t0} 年（{v0}）与 {t1} 年（{v1}）线性插值",
    ),
    Tpl(
        "linear extrapolation forward from {t0} ({v0}) and {t1} ({v1})",
        "由 {t0} 年（{v0}）与 {t1} 年（{v1}）向后线性外推",
    ),
    Tpl(
        "linear extrapolation backward from {t0} ({v0}) and {t1} ({v1})",
        "由 {t0} 年（{v0}）与 {t1} 年（{v1}）向前线性外推",
    ),
    Tpl(
        "not decided: V_FE − V_RE is not positive definite ({k} of {n} eigenvalues ≤ 0, smallest "
        "{v}); the classic statistic is not a χ² test (it can be negative). Use the "
        "generalised-inverse or the robust Mundlak-type test.",
        "无法判定：V_FE − V_RE 非正定（{n} 个特征值中有 {k} 个 ≤ 0，最小为 {v}）；经典统计量不"
        "服从 χ² 分布（可能为负）。请使用广义逆或稳健的 Mundlak 型检验。",
    ),
    Tpl(
        "w_ij = 1 if i and j share a border (Hainan linked to: {h:raw})",
        "i 与 j 相邻时 w_ij = 1（海南连接至：{h}）",
    ),
    Tpl("w_ij = 1 if i and j share a border", "i 与 j 相邻时 w_ij = 1"),
    Tpl(
        "w_ij = 1/d_ij, d = great-circle km between capitals (R = {r})",
        "w_ij = 1/d_ij，d 为省会城市间的大圆距离（千米，R = {r}）",
    ),
    Tpl(
        "w_ij = 1/d_ij^2, d = great-circle km between capitals (R = {r})",
        "w_ij = 1/d_ij^2，d 为省会城市间的大圆距离（千米，R = {r}）",
    ),
    Tpl(
        "w_ij = 1/d_ij, d = great-circle km between capitals (R = {r}), 0 beyond {c} km",
        "w_ij = 1/d_ij，d 为省会城市间的大圆距离（千米，R = {r}），超过 {c} 千米时为 0",
    ),
    Tpl(
        "w_ij = 1/d_ij^{p}, d = great-circle km between capitals (R = {r}), 0 beyond {c} km",
        "w_ij = 1/d_ij^{p}，d 为省会城市间的大圆距离（千米，R = {r}），超过 {c} 千米时为 0",
    ),
    Tpl(
        "w_ij = 1/d_ij^{p}, d = great-circle km between capitals (R = {r})",
        "w_ij = 1/d_ij^{p}，d 为省会城市间的大圆距离（千米，R = {r}）",
    ),
    Tpl(
        "w_ij = 1 if j is one of the {k} capitals nearest to i",
        "j 为距 i 最近的 {k} 个省会城市之一时 w_ij = 1",
    ),
    Tpl(
        "w_ij = 1/|g_i − g_j|, g_i = mean of {v:raw} in {span}",
        "w_ij = 1/|g_i − g_j|，g_i 为 {v} 在 {span} 年的均值",
    ),
    Tpl(
        "W = W_d·diag(g_i/ḡ), W_d = 1/d_ij (great-circle km), raw; g_i = mean of {v:raw} in "
        "{span}, ḡ = mean of g_i",
        "W = W_d·diag(g_i/ḡ)，W_d = 1/d_ij（大圆距离，千米），未标准化；g_i 为 {v} 在 {span} 年"
        "的均值，ḡ 为 g_i 的均值",
    ),
)
