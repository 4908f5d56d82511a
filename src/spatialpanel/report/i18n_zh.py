"""The Chinese catalogue of the report: terms, phrases and the bilingual text templates.

Each :class:`~spatialpanel.report.i18n.Template` pairs the English text a stage writes (with its
parameters as ``{placeholders}``) with the Chinese text of a regional-economics paper. The stages
stay the single source of every number and every decision; these templates only say how the same
statement reads in Chinese. The terms follow Chinese spatial-econometrics usage (空间杜宾模型,
双向固定效应, 直接效应/间接效应（溢出效应）/总效应, 全局莫兰指数, 高-高集聚, 熵值法, 似然比检验,
豪斯曼检验).

:data:`SENTENCES` holds the interpretation sentences, :data:`TITLES` the table titles and figure
captions, :data:`NOTES` the table and figure notes and :data:`CONVENTIONS` the statements of the
report's conventions section; :data:`PHRASES` and :data:`TERMS` translate the words that fill
their placeholders.
"""

from __future__ import annotations

from spatialpanel.indices.coupling import DEFAULT_LABELS
from spatialpanel.report.i18n import Template as Tpl
from spatialpanel.report.i18n_zh_cells import CELL_TERMS, CELLS, LEVELS_ZH
from spatialpanel.report.i18n_zh_notes import CONVENTIONS, GENERIC, NOTES, TITLES

__all__ = [
    "CELLS",
    "CELL_TERMS",
    "CONVENTIONS",
    "GLOSSARY",
    "NOTES",
    "PHRASES",
    "SENTENCES",
    "TERMS",
    "TEXTS",
    "TITLES",
]


#: The demo study's index and dimension labels (a placeholder that holds a user's label is
#: translated only through these, the province names and :data:`PHRASES`).
GLOSSARY: dict[str, str] = {
    "Urban-rural integration": "城乡融合",
    "Common prosperity": "共同富裕",
    "Economic integration": "经济融合",
    "Factor integration": "要素融合",
    "Spatial environment integration": "空间环境融合",
    "Sharing degree": "共享程度",
    "Affluence level": "富裕程度",
    # the real-data example (china-provinces-nbs)
    "Urban-rural integration: income-ratio index": "城乡融合：城乡收入比指数",
    "Urban-rural integration: reduced entropy index": "城乡融合：精简熵值指数",
}

#: Words and fixed phrases that fill placeholders (exact match).
TERMS: dict[str, str] = (
    GLOSSARY
    | {
        # signs, verdicts, directions
        "positive": "正",
        "negative": "负",
        "supported": "支持",
        "not supported": "不支持",
        "rejected": "被拒绝",
        "not rejected": "不能被拒绝",
        "stable": "稳定",
        "NOT stable": "不稳定",
        "right": "右",
        "left": "左",
        "rose": "上升",
        "fell": "下降",
        "none": "无",
        "every year": "在各年份均",
        "direct": "直接",
        "indirect": "间接",
        "total": "总",
        # effects of the panel models
        "twoway": "双向固定",
        "entity": "个体固定",
        "time": "时间固定",
        "pooled": "无固定",
        "random": "随机",
        # models
        "SDM": "空间杜宾模型（SDM）",
        "SAR": "空间滞后模型（SAR）",
        "SEM": "空间误差模型（SEM）",
        "SDEM": "空间杜宾误差模型（SDEM）",
        "SLX": "空间滞后解释变量模型（SLX）",
        "Mundlak (robust)": "Mundlak（稳健）",
        "Mundlak": "Mundlak",
        # weight kinds and index methods
        "contiguity": "邻接",
        "inverse_distance": "地理距离倒数",
        "economic": "经济距离",
        "economic_geographic": "经济地理嵌套",
        "knn": "K 近邻",
        "entropy-method": "熵值法",
        "CRITIC": "CRITIC 法",
        "coefficient-of-variation": "变异系数法",
        "equal": "等",
        "entropy": "熵值法",
        "critic": "CRITIC 法",
        "cv": "变异系数法",
        "topsis": "熵权 TOPSIS 法",
        "entropy (TOPSIS)": "熵权 TOPSIS 法",
        "linear": "线性插值",
        "linear interpolation between the neighbouring years of the same region and variable, "
        "linear extrapolation at the ends": (
            "同一地区同一变量在相邻年份间线性插值，首尾年份线性外推"
        ),
        "no fill": "不填补",
        "at the level of the local Moran stage": "在局部莫兰分析设定的水平上",
        "row-standardised": "行标准化",
        # the data and the demo study's labels
        "synthetic demonstration data": "合成演示数据",
        "bundled synthetic demo panel": "spatialpanel 自带的合成演示面板",
        "bundled demo study": "spatialpanel 自带的演示研究",
        "real data": "真实数据",
        "Urban-rural integration and common prosperity in China's provinces: published NBS "
        "statistics": "中国省域城乡融合与共同富裕：国家统计局公布数据",
        "its weight stands without them (the regions differ that much); check the series' "
        "definition all the same": (
            "不计这些跳变其权重依然如此（地区间差异确实很大），但仍应核查该序列的统计口径"
        ),
        "the jumps make its weight; check the series' definition before reading the index": (
            "其权重由这些跳变造成，解读指数前请核查该序列的统计口径"
        ),
        "Urban-rural integration and common prosperity in China's provinces": (
            "中国省域城乡融合与共同富裕"
        ),
        "data": "数据",
        "standard deviation": "标准差",
        "coefficient of variation": "变异系数",
        "σ convergence": "存在 σ 收敛",
        "no σ convergence": "不存在 σ 收敛",
        "no β convergence": "不存在 β 收敛",
        "that 1 + β ≤ 0, so the speed and the half-life are not defined": (
            "1 + β ≤ 0，收敛速度与半衰期均无定义"
        ),
        "no defined speed of convergence": "收敛速度无定义",
        # verdicts of the dynamic total-effect claim
        "both the short-run and the long-run total effects are positive and significant": (
            "短期与长期总效应均显著为正"
        ),
        "only the short-run total effect is positive and significant": "仅短期总效应显著为正",
        "only the long-run total effect is positive and significant": "仅长期总效应显著为正",
        "neither the short-run nor the long-run total effect is positive and significant": (
            "短期与长期总效应均不显著为正"
        ),
        " (the same specification).": "（二者设定一致）。",
        " (they differ: see the decisions).": "（二者不一致，详见模型选择决策表）。",
    }
    | {en: zh for en, zh in zip(DEFAULT_LABELS, LEVELS_ZH, strict=True)}
    | {en.lower(): zh for en, zh in zip(DEFAULT_LABELS, LEVELS_ZH, strict=True)}
)

#: Phrases inside sentences (a placeholder's text, matched in full).
PHRASES: tuple[Tpl, ...] = (
    Tpl("{label:label} index", "{label}指数"),
    Tpl(
        "a common break in {years:list}; {n} region-year jumps, the largest in {who} in {t}",
        "{years} 年出现整体断点；{n} 处地区—年份跳变，最大者为{who} {t} 年",
    ),
    Tpl(
        "a common break in {years:list}; one jump, in {who} in {t}",
        "{years} 年出现整体断点；{who} {t} 年一处跳变",
    ),
    Tpl("a common break in {years:list}", "{years} 年出现整体断点"),
    Tpl(
        "{n} region-year jumps, the largest in {who} in {t}",
        "{n} 处地区—年份跳变，最大者为{who} {t} 年",
    ),
    Tpl("one jump, in {who} in {t}", "{who} {t} 年一处跳变"),
    Tpl("bundled dataset {name:raw}", "spatialpanel 自带数据集 {name}"),
    Tpl("bundled example {name:raw}", "spatialpanel 自带示例 {name}"),
    Tpl("{a} index and {b} index", "{a}指数与{b}指数"),
    Tpl("{k} of {n} years ({years:list})", "在 {n} 个年份中的 {k} 个年份（{years}）"),
    Tpl("direct effect of {core:raw} > 0", "{core} 的直接效应 > 0"),
    Tpl("indirect (spillover) effect of {core:raw} > 0", "{core} 的间接效应（溢出效应）> 0"),
    Tpl("spatial autoregressive coefficient ρ > 0", "空间自回归系数 ρ > 0"),
    Tpl(
        "keeps its sign ({sign}) and its significance ({sig})",
        "符号（{sign}）与显著性（{sig}）均保持不变",
    ),
    Tpl(
        "is {sign} and {sig} with the study's {ref:raw} weights, but changes sign under "
        "{a:names} and changes significance under {b:names}",
        "在本研究的 {ref} 权重矩阵下为{sign}且{sig}，但在 {a} 下符号改变，在 {b} 下显著性改变",
    ),
    Tpl(
        "is {sign} and {sig} with the study's {ref:raw} weights, but changes sign under {a:names}",
        "在本研究的 {ref} 权重矩阵下为{sign}且{sig}，但在 {a} 下符号改变",
    ),
    Tpl(
        "is {sign} and {sig} with the study's {ref:raw} weights, but changes significance "
        "under {b:names}",
        "在本研究的 {ref} 权重矩阵下为{sign}且{sig}，但在 {b} 下显著性改变",
    ),
    Tpl("{sign} and significant at {level:raw}", "为{sign}且在 {level} 水平上显著", strict=True),
    Tpl(
        "{sign} but not significant at {level:raw}",
        "为{sign}但在 {level} 水平上不显著",
        strict=True,
    ),
    Tpl("significant at {level:raw}", "在 {level} 水平上显著"),
    Tpl("not significant at {level:raw}", "在 {level} 水平上不显著"),
    Tpl(
        "a convergence speed of {speed} per year and a half-life of {half} years",
        "收敛速度为每年 {speed}，半衰期为 {half} 年",
    ),
    Tpl(
        "a speed of {speed} per year (half-life {half} years)",
        "收敛速度为每年 {speed}（半衰期 {half} 年）",
    ),
    Tpl("one-sided {p}", "单侧 {p}"),
    Tpl("at α = {alpha}", "在 α = {alpha} 水平上"),
    # generic: last
    Tpl("{a} and {b}", "{a}与{b}", strict=True),
)

#: The interpretation sentences of the stages.
SENTENCES: tuple[Tpl, ...] = (
    # data
    Tpl(
        "The {what} cover {n} regions and {t} years ({span}); {k} of {cells} cells ({pct}) "
        "were missing and were filled by the '{method}' method, each fill listed in the audit "
        "table.",
        "{what}涵盖 {n} 个地区、{t} 个年份（{span}）；{cells} 个数据单元中有 {k} 个（{pct}）"
        "缺失，已采用“{method}”方法填补，每一次填补均列于审计表。",
    ),
    Tpl(
        "The {what} cover {n} regions and {t} years ({span}); none of the {cells} cells the "
        "study uses is missing, so nothing was filled.",
        "{what}涵盖 {n} 个地区、{t} 个年份（{span}）；研究所用的 {cells} 个数据单元均无缺失，"
        "未作任何填补。",
    ),
    Tpl(
        "Whole years were missing for every region and were filled by the '{method}' method: "
        "{years:raw}. These values are the method's, not data: restrict the variable's years "
        "([indices.NAME] years) or drop it.",
        "以下变量在某些年份所有地区均缺失，已采用“{method}”方法填补：{years}。这些数值来自填补"
        "方法而非数据：请限定该变量的使用年份（[indices.NAME] years）或将其剔除。",
    ),
    Tpl(
        "{k} year-on-year changes or years are far from their variable's usual change (jumps "
        "and common breaks, listed as 'check' in the audit table); the values are used "
        "unchanged.",
        "有 {k} 处逐年变化或年份远离该变量的通常变化（跳变与整体断点，在审计表中标为“check”）；"
        "数值均未作改动。",
    ),
    # indices
    Tpl(
        "Warning: {col:raw} takes {w} of the weight of the {name} ({r} times the equal weight), "
        "and its year-on-year changes jump ({jumps}). With those changes replaced by their usual "
        "size it would take {ws}: {verdict}.",
        "警告：{col} 在{name}中的权重为 {w}（等权重的 {r} 倍），且其逐年变化存在跳变（{jumps}）。"
        "若将这些变化替换为通常幅度，其权重将为 {ws}：{verdict}。",
    ),
    Tpl(
        "In the {name} ({n} indicators, {d} dimensions), every indicator weighs {w}; the "
        "dimension {dim} carries {share} of the total weight.",
        "{name}（{n} 项指标、{d} 个维度）中各指标权重均为 {w}；{dim}维度的权重合计为 {share}。",
    ),
    Tpl(
        "In the {name} ({n} indicators, {d} dimensions), the largest mean weight goes to "
        "{top:raw} ({wt}) and the smallest to {low:raw} ({wl}); the dimension {dim} carries "
        "{share} of the total weight.",
        "{name}（{n} 项指标、{d} 个维度）中，平均权重最大的指标为 {top}（{wt}），最小的为 "
        "{low}（{wl}）；{dim}维度的权重合计为 {share}。",
    ),
    Tpl(
        "In the {name} ({n} indicators, {d} dimensions), the largest weight goes to {top:raw} "
        "({wt}) and the smallest to {low:raw} ({wl}); the dimension {dim} carries {share} of "
        "the total weight.",
        "{name}（{n} 项指标、{d} 个维度）中，权重最大的指标为 {top}（{wt}），最小的为 {low}"
        "（{wl}）；{dim}维度的权重合计为 {share}。",
    ),
    Tpl(
        "In {t} the most frequent main obstacle to the {name} is {main:raw} (the first obstacle "
        "in {k} of {n} provinces); across provinces the dimension {dim} has the largest mean "
        "obstacle degree ({pct}).",
        "{t} 年{name}最常见的首要障碍因子为 {main}（在 {n} 个省份中有 {k} 个居首位）；"
        "从各省平均看，{dim}维度的障碍度最大（{pct}）。",
    ),
    Tpl(
        "The mean coupling coordination degree D of the {labels} moved from {d0} in {t0} to "
        "{d1} in {t1} ({level}); in {t1} the most common level is '{common}' ({k} of {n} "
        "provinces).",
        "{labels}的平均耦合协调度 D 由 {t0} 年的 {d0} 变为 {t1} 年的 {d1}（{level}）；"
        "{t1} 年最常见的协调等级为“{common}”（{n} 个省份中有 {k} 个）。",
    ),
    # evolution
    Tpl(
        "In {t1} the regional means of the {name} rank {ranking:rank}; the mean of all provinces "
        "moved from {a} in {t0} to {b} in {t1}, and the {fastest} grew fastest ({g} a year).",
        "{t1} 年{name}的地区均值排序为{ranking}；全部省份的均值由 {t0} 年的 {a} 变为 {t1} 年"
        "的 {b}，其中{fastest}地区增长最快（年均 {g}）。",
    ),
    Tpl(
        "From {t0} to {t1} the {name} rose in {k} of {n} provinces; its average annual growth "
        "was highest in {top:list} and lowest in {slow}.",
        "{t0}—{t1} 年，{name}在 {n} 个省份中的 {k} 个有所上升；年均增长率最高的是{top}，"
        "最低的是{slow}。",
    ),
    # weights
    Tpl(
        "The {name:raw} matrix ({kind}) gives each region between {a} and {b} neighbours ({m} on "
        "average).",
        "{name} 权重矩阵（{kind}）下，各地区的邻居数介于 {a} 至 {b} 个之间（平均 {m} 个）。",
    ),
    # autocorrelation
    Tpl(
        "With the {w:raw} weights, Moran's I of {label:label} is significant at the 5% level "
        "(two-sided) in {when}; it ranges from {lo} ({tlo}) to {hi} ({thi}).",
        "在 {w} 权重矩阵下，{label}的全局莫兰指数{when}在 5% 水平上显著（双侧检验）；"
        "其取值介于 {lo}（{tlo} 年）与 {hi}（{thi} 年）之间。",
    ),
    Tpl(
        "In every year shown ({years:list}) the provinces in the high–high quadrant are "
        "{hh:list} and those in the low–low quadrant are {ll:list} ({w:raw} weights).",
        "在所列各年份（{years}）中，始终位于高-高集聚象限的省份为{hh}，始终位于低-低集聚象限的"
        "省份为{ll}（{w} 权重矩阵）。",
    ),
    # model
    Tpl(
        "LM tests on the OLS residuals ({eff} effects): LM-lag = {a} ({pa}), LM-error = {b} "
        "({pb}); Moran's I of the residuals = {i} (z = {z}, one-sided {pi}).",
        "基于 OLS 残差的 LM 检验（{eff}效应）：LM-lag = {a}（{pa}），LM-error = {b}（{pb}）；"
        "残差的莫兰指数 = {i}（z = {z}，单侧 {pi}）。",
    ),
    Tpl(
        "Wald tests: SDM vs SAR χ²({d1}) = {s1} ({p1}), SDM vs SEM χ²({d2}) = {s2} ({p2}); "
        "the battery selects the {m}.",
        "Wald 检验：SDM 对 SAR，χ²({d1}) = {s1}（{p1}）；SDM 对 SEM，χ²({d2}) = {s2}（{p2}）；"
        "检验序列选择{m}。",
    ),
    Tpl(
        "The selection battery points to the {m1} with {e1} effects; the study estimates the "
        "{m2} with {e2} effects as configured{agree}",
        "模型选择检验序列指向{e1}效应的{m1}；本研究按设定估计{e2}效应的{m2}{agree}",
    ),
    Tpl("Hausman test: χ²({df}) = {s} ({p}).", "豪斯曼检验：χ²({df}) = {s}（{p}）。"),
    Tpl(
        "The classic Hausman statistic is not a valid test here (V_FE − V_RE is not positive "
        "definite); the {name} test gives χ²({df}) = {s} ({p}).",
        "经典豪斯曼统计量在此不构成有效检验（V_FE − V_RE 非正定）；{name}检验给出 "
        "χ²({df}) = {s}（{p}）。",
    ),
    Tpl("ρ = {rho} (z = {z}, {p}): {verdict}.", "ρ = {rho}（z = {z}，{p}）：{verdict}。"),
    Tpl(
        "{h}, {claim}: {kind} effect {est} (se {se}, one-sided {p}): {verdict}.",
        "假设 {h}：{claim}；{kind}效应为 {est}（标准误 {se}，单侧 {p}），{verdict}该假设。",
    ),
    # dynamic
    Tpl(
        "The first period ({t}) is lost to the time lag: {p} periods, {n} observations.",
        "第一期（{t} 年）因时间滞后而损失：剩余 {p} 期、{n} 个观测值。",
    ),
    Tpl("Dynamic SDM: {parts:raw}.", "动态空间杜宾模型：{parts}。"),
    Tpl(
        "The Lee-Yu correction moves τ from {a} (uncorrected QML) to {b} and ρ from {c} to {d}.",
        "Lee-Yu 偏误修正使 τ 由 {a}（未修正的 QML）变为 {b}，ρ 由 {c} 变为 {d}。",
    ),
    Tpl(
        "Stability at the estimates: τ + ρ + η = {s}; spectral radius of (I - ρW)⁻¹(τI + ηW) "
        "= {r} ({v}).",
        "估计值处的稳定性：τ + ρ + η = {s}；(I - ρW)⁻¹(τI + ηW) 的谱半径 = {r}（{v}）。",
    ),
    Tpl(
        "The {kind} effect of {core:raw} is {a} in the short run (se {sa}, one-sided {pa}) and "
        "{b} in the long run (se {sb}, one-sided {pb}).",
        "{core} 的短期{kind}效应为 {a}（标准误 {sa}，单侧 {pa}），长期{kind}效应为 {b}"
        "（标准误 {sb}，单侧 {pb}）。",
    ),
    Tpl(
        "Does {core:raw} raise {y:raw} 'whether in the short-term impact or long-term effect'? "
        "In the dynamic SDM the short-run total effect is {a} (one-sided {pa}) and the long-run "
        "total effect {b} (one-sided {pb}): {verdict} at α = {alpha}.",
        "{core} 是否“无论短期影响还是长期效应”均能提升 {y}？动态空间杜宾模型中，短期总效应为 "
        "{a}（单侧 {pa}），长期总效应为 {b}（单侧 {pb}）：在 α = {alpha} 水平下，{verdict}。",
    ),
    Tpl(
        "The long-run total effect of {core:raw} is {est} at the estimates; its simulated draws "
        "have mean {m} and median {md} (95% interval {lo} to {hi}): report the value at the "
        "estimates, not the mean of the draws.",
        "{core} 的长期总效应在估计值处为 {est}；其模拟抽样的均值为 {m}、中位数为 {md}"
        "（95% 区间为 {lo} 至 {hi}）：应报告估计值处的数值，而非抽样均值。",
    ),
    # robustness
    Tpl(
        "Among {models:list} the {best:raw} has the lowest AIC ({listing:raw}) and a "
        "log-likelihood of {ll}.",
        "在{models}中，{best} 的 AIC 最小（{listing}），其对数似然值为 {ll}。",
    ),
    Tpl(
        "Across {n} weight matrices, {sym} of the {model:raw} {verdict}; it ranges from {lo} "
        "({wlo:raw}) to {hi} ({whi:raw}).",
        "在 {n} 种空间权重矩阵下，{model} 的 {sym} {verdict}；其取值介于 {lo}（{wlo}）与 {hi}"
        "（{whi}）之间。",
    ),
    # disparity
    Tpl(
        "The overall Gini coefficient of {var:raw} was {a} in {t0} and {b} in {t1}. On average "
        "the net between-group gap contributed {x}, the within-group gaps {y} and transvariation "
        "{z}.",
        "{var} 的总体基尼系数在 {t0} 年为 {a}，{t1} 年为 {b}。平均而言，组间净差距的贡献率为 "
        "{x}，组内差距为 {y}，超变密度为 {z}。",
    ),
    Tpl(
        "In {t} the largest between-group Gini was between {h} and {l} (G_jh = {g}, relative "
        "affluence D_jh = {d}).",
        "{t} 年组间基尼系数最大的是{h}与{l}之间（G_jh = {g}，相对富裕度 D_jh = {d}）。",
    ),
    Tpl(
        "Nationally, the main peak of the density of {var:raw} moved {dir} from {a} in {t0} to "
        "{b} in {t1}, and its height {h} from {c} to {d}; the curve had {k} peak(s) in {t1}.",
        "全国层面，{var} 核密度曲线的主峰位置由 {t0} 年的 {a} 向{dir}移动至 {t1} 年的 {b}，"
        "峰值高度由 {c} {h}至 {d}；{t1} 年曲线呈 {k} 个波峰。",
    ),
    Tpl(
        "The probability that a province stays in its class of {var:raw} from one year to the "
        "next ranges from {a} to {b}; the probability of moving up at least one class averages "
        "{c} over classes C1–C{k}.",
        "各省份 {var} 在相邻年份间保持原等级的概率介于 {a} 与 {b} 之间；C1–C{k} 各等级向上转移"
        "至少一个等级的平均概率为 {c}。",
    ),
    Tpl(
        "Spatial and LISA Markov chains were skipped: no weights named {w:raw} (available: "
        "{av:raw}).",
        "未计算空间马尔可夫链与 LISA 马尔可夫链：不存在名为 {w} 的权重矩阵（可用：{av}）。",
    ),
    Tpl(
        "That transitions of {var:raw} do not depend on the neighbours' class is {v} at the 5% "
        "level (LR = {a}, Q = {b}, df = {df}, {p}).",
        "“{var} 的状态转移与邻域等级无关”的原假设在 5% 水平上{v}（LR = {a}，Q = {b}，"
        "df = {df}，{p}）。",
    ),
    Tpl(
        "{s} of the yearly LISA transitions of {var:raw} are type 0 (neither the province nor "
        "its neighbours changed quadrant of the Moran scatterplot).",
        "{var} 的逐年 LISA 转移中有 {s} 属于类型 0（本省及其邻域在莫兰散点图中的象限均未改变）。",
    ),
    *(
        Tpl(
            f"The national {en} of {{var:raw}} went from {{a}} in {{t0}} to {{b}} in {{t1}}, "
            "{conv} over the period.",
            f"全国层面 {{var}} 的{zh}由 {{t0}} 年的 {{a}} 变为 {{t1}} 年的 {{b}}，"
            "样本期内{conv}。",
        )
        # the measure is listed, not a placeholder: "coefficient of variation of x" would split
        # at its first " of "
        for en, zh in (("standard deviation", "标准差"), ("coefficient of variation", "变异系数"))
    ),
    Tpl(
        "With region and year fixed effects, β = {b} ({p}) for {var:raw}, implying {tail}.",
        "控制地区与年份双向固定效应后，{var} 的 β = {b}（{p}），表明{tail}。",
    ),
    Tpl(
        "Allowing for spatial spillovers (SDM, ρ = {r}), β = {b} ({p}), {speed}.",
        "考虑空间溢出效应（SDM，ρ = {r}）后，β = {b}（{p}），{speed}。",
    ),
    Tpl(
        "No obstacle degree for {name:raw}: the index has one indicator.",
        "未计算 {name} 的障碍度：该指数仅含一个指标。",
    ),
    Tpl(
        "No obstacle degree for {name:raw}: it needs the indicator weights of an [indices] "
        "section computed in this study.",
        "未计算 {name} 的障碍度：障碍度需要本研究 [indices] 部分计算得到的指标权重。",
    ),
)

#: Every template, tried in this order.
TEXTS: tuple[Tpl, ...] = SENTENCES + TITLES + NOTES + CONVENTIONS + GENERIC
