//! Deterministic benchmark corpus: a complete site folder of synthetic Chinese tech-news
//! articles that both sitegen and Hugo can build.
//!
//! ```sh
//! cargo run --release -p sitegen-corpus -- --articles 10000 --out /tmp/corpus [--seed 42]
//! ```
//!
//! writes `DIR/config.toml` and `DIR/content/<section>/<slug>.md`. Every article is about
//! 3–6 KB of Markdown with paragraphs, `##` headings, lists, links, fenced code blocks (no
//! two alike), quotes and tables; it has 2–6 of 300 tags with Zipf-like popularity (a few
//! very common, many rare), 1–3 of 8 categories (the breadcrumb's order), one of five
//! sections, and a date between 2019-01-01 and 2025-12-31. Even-numbered articles use TOML
//! (`+++`) front matter, odd-numbered ones YAML (`---`).
//!
//! With `--images`, every article also gets a cover (`cover = "img/covers/a000123.jpg"`,
//! the file in `DIR/static/img/covers/`) and every fifth a picture in its body
//! (`![…](/img/body/a000122-1.jpg)` after the lead paragraph), drawn by this program: JPEG
//! photos (gradients, shapes and grain, about 0.3 bytes a pixel like a camera's) and, for
//! 15 % of them, flat PNG charts; 800×450 up to 4000×3000, most 1200–2400 px wide, 16:9, 3:2
//! or 4:3. The articles' words are the same with and without `--images`.
//!
//! One article in five belongs to one of 48 series (`series = "…"`, a 专题), every tenth
//! of those with a `series_order`; each article has one of 20 authors, and every eighth a
//! second one (`authors = [...]`). These draw from a generator of their own, so the text
//! is the same as before they were added.
//!
//! `--shape translated` makes a translated-articles archive instead: 10-30 KB articles heavy
//! on code and lists, with one or two of 30 tags. `--scenario` adds one unusual trait that
//! must not make a build cliff (issue 19): `many-tags`, `tag-everywhere`, `one-day`,
//! `huge-article` or `many-statics` (see [`Scenario`]).
//!
//! Same `--articles`, `--seed` and `--images`: byte-identical files, whatever the thread
//! count (each article and picture draws from its own generator seeded by the seed and its
//! number).
//!
//! The text is assembled from the phrase banks below, written for this benchmark. The
//! companies and products in the text are made up; the tags name real technologies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

// ---------------------------------------------------------------------------------------
// Random numbers: splitmix64, tiny and good enough for text.

struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// The generator of article `index` under `seed`: independent streams per article.
    fn for_article(seed: u64, index: u64) -> Self {
        Rng(mix64(
            seed ^ mix64(index.wrapping_add(0x9e37_79b9_7f4a_7c15)),
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ---------------------------------------------------------------------------------------
// Banks. Tags are ordered from most to least popular: the sampler gives rank k a weight
// of 1 / (k + 1).

/// Technology, product-line and topic tags; together with the company tags below they
/// make [`TAG_COUNT`] tags.
#[rustfmt::skip]
const TECH_TAGS: &[&str] = &[
    "人工智能", "大模型", "芯片", "云计算", "开源", "手机", "半导体", "生成式AI",
    "算力", "数据中心", "自动驾驶", "新能源汽车", "网络安全", "操作系统", "Linux", "Rust",
    "GPU", "智能体", "多模态", "机器学习", "深度学习", "RISC-V", "鸿蒙", "Android",
    "iOS", "Kubernetes", "Python", "数据库", "5G", "物联网", "机器人", "折叠屏",
    "AI手机", "AIPC", "端侧AI", "开源大模型", "先进制程", "HBM", "存储芯片", "EUV光刻",
    "Chiplet", "封装测试", "EDA", "国产替代", "信创", "出口管制", "监管", "反垄断",
    "财报", "融资", "并购", "上市", "裁员", "价格战", "出海", "供应链",
    "开发者大会", "发布会", "评测", "拆解", "专访", "行业报告", "政策解读", "数据安全",
    "隐私计算", "零信任", "勒索软件", "漏洞", "供应链安全", "量子计算", "区块链", "边缘计算",
    "容器", "Serverless", "微服务", "液冷", "混合云", "多云", "CDN", "6G",
    "WiFi7", "卫星通信", "智能座舱", "激光雷达", "人形机器人", "AR", "VR", "空间计算",
    "可穿戴设备", "智能家居", "影像", "快充", "电池", "芯片设计", "编译器", "浏览器",
    "搜索引擎", "推荐算法", "短视频", "电商", "直播", "移动支付", "金融科技", "SaaS",
    "低代码", "DevOps", "可观测性", "AIGC", "Transformer", "扩散模型", "强化学习", "RAG",
    "向量数据库", "NPU", "TPU", "x86", "Arm架构", "3nm", "2nm", "WebAssembly",
    "Go", "Java", "JavaScript", "TypeScript", "PostgreSQL", "MySQL", "Redis", "Kafka",
    "Windows", "macOS", "Docker", "eBPF", "Wayland", "Git", "VSCode", "Vim",
    "开源许可证", "开源社区", "社区治理", "技术债", "程序员", "职场", "创业", "投资",
    "估值", "独角兽", "人才", "高校", "科研", "版权", "诉讼", "专利",
    "标准制定", "数据出境", "碳中和", "绿色计算", "能耗", "芯片法案", "晶圆代工", "光模块",
    "服务器", "交换机", "存算一体", "类脑计算", "光计算", "模型压缩", "模型蒸馏", "推理优化",
    "训练框架", "PyTorch", "JAX", "CUDA", "ROCm", "大模型安全", "深度伪造", "内容审核",
    "数字人", "虚拟现实", "元宇宙", "游戏", "云游戏", "电竞", "流媒体", "在线教育",
    "远程办公", "协同办公", "企业软件", "ERP", "工业互联网", "智能制造", "数字孪生", "智慧城市",
    "车路协同", "无人机", "低空经济", "商业航天", "北斗", "智能电网", "储能", "氢能",
    "医疗AI", "生物计算", "蛋白质结构", "教育科技", "农业科技", "物流科技", "跨境电商", "本地生活",
    "社交网络", "即时通讯", "邮件", "密码学", "后量子密码", "身份认证", "API经济", "开放平台",
    "小程序", "应用商店", "侧载", "软件测试", "持续集成", "代码审查", "AI编程", "代码大模型",
    "智能客服", "语音识别", "机器翻译", "OCR", "计算机视觉", "自然语言处理", "知识图谱", "搜索增强",
    "芯片良率", "光刻胶", "硅片", "碳化硅", "氮化镓", "MCU", "FPGA", "DPU",
    "内存", "SSD", "硬盘", "主板", "显卡", "显示器", "耳机", "平板电脑",
    "笔记本电脑", "智能手表", "智能眼镜", "电子书", "路由器", "机顶盒", "投影仪", "扫地机器人",
    "运营商", "宽带", "光纤", "海底光缆", "IPv6", "DNS", "HTTP3", "WebRTC",
];

/// Fictional companies: (name, brand used in product names).
#[rustfmt::skip]
const COMPANIES: &[(&str, &str)] = &[
    ("星河科技", "星河"), ("远望半导体", "远望"), ("云栖数据", "云栖"), ("磐石芯片", "磐石"),
    ("青禾智能", "青禾"), ("北辰云", "北辰"), ("蓝鲸网络", "蓝鲸"), ("极光移动", "极光"),
    ("启明算力", "启明"), ("赤兔汽车", "赤兔"), ("九州软件", "九州"), ("长风通信", "长风"),
    ("墨子安全", "墨子"), ("知微大模型", "知微"), ("海岳电子", "海岳"), ("凌云机器人", "凌云"),
    ("万象互动", "万象"), ("松果影像", "松果"), ("白泽智能", "白泽"), ("天枢存储", "天枢"),
    ("鲲游科技", "鲲游"), ("灵犀语音", "灵犀"), ("晨曦光电", "晨曦"), ("若水数据库", "若水"),
    ("观澜智驾", "观澜"), ("明镜视觉", "明镜"), ("霁风开源", "霁风"), ("南山终端", "南山"),
    ("拾光出行", "拾光"), ("新禾电商", "新禾"), ("澄空卫星", "澄空"), ("锦鲤支付", "锦鲤"),
    ("朔方能源", "朔方"), ("听涛耳机", "听涛"), ("玄鸟航天", "玄鸟"), ("蓬莱生物", "蓬莱"),
    ("阡陌物流", "阡陌"), ("清弦教育", "清弦"), ("浮光显示", "浮光"), ("曜石服务器", "曜石"),
];

const TAG_COUNT: usize = 300;

/// Technologies named in the text (`{T}`).
#[rustfmt::skip]
const TECH: &[&str] = &[
    "人工智能", "大模型", "生成式AI", "云计算", "开源大模型", "算力", "GPU", "NPU", "RISC-V",
    "自动驾驶", "智能座舱", "激光雷达", "鸿蒙", "Android", "Linux", "Rust", "Kubernetes",
    "Serverless", "微服务", "边缘计算", "液冷", "数据中心", "先进制程", "Chiplet", "HBM",
    "存储芯片", "EUV光刻", "封装测试", "EDA", "端侧AI", "AI手机", "AIPC", "智能体", "多模态",
    "RAG", "向量数据库", "强化学习", "扩散模型", "Transformer", "隐私计算", "零信任",
    "数据安全", "量子计算", "物联网", "5G", "6G", "卫星通信", "人形机器人", "空间计算",
    "折叠屏", "快充", "固态电池", "WebAssembly", "eBPF", "PostgreSQL", "低代码", "可观测性",
    "AI编程", "代码大模型", "推理优化", "模型蒸馏", "存算一体", "光模块", "碳化硅", "数字孪生",
];

#[rustfmt::skip]
const CATEGORIES: &[&str] = &[
    "人工智能", "芯片", "云计算", "手机", "开源", "互联网公司", "网络安全", "汽车科技",
];

/// (section, weight in percent)
const SECTIONS: &[(&str, usize)] = &[
    ("资讯", 40),
    ("快讯", 20),
    ("评论", 15),
    ("深度", 15),
    ("产业", 10),
];

#[rustfmt::skip]
const AUTHORS: &[&str] = &[
    "陈一鸣", "李思远", "王晓晨", "张若溪", "刘明哲", "赵雨桐", "孙浩然", "周可欣",
    "吴天宇", "郑嘉怡", "冯子健", "许安然", "何静文", "林书瑶", "郭子墨", "马晨阳",
    "宋予安", "唐诗雨", "韩立新", "曹文博",
];

/// Topics of the 专题 (series): each gives two series, a 观察 and a 追踪.
const SERIES_TOPICS: &[&str] = &[
    "大模型价格战",
    "国产算力",
    "自动驾驶",
    "开源治理",
    "数据中心能耗",
    "AI 监管",
    "端侧智能",
    "人形机器人",
    "芯片出口管制",
    "云厂商财报",
    "智能体落地",
    "AI 安全",
    "存储涨价",
    "卫星互联网",
    "低空经济",
    "量子计算",
    "RISC-V",
    "操作系统",
    "编程语言",
    "网络安全",
    "隐私保护",
    "数字人",
    "AI 教育",
    "医疗大模型",
];

/// ASCII words for slugs.
#[rustfmt::skip]
const SLUG_WORDS: &[&str] = &[
    "ai", "chip", "cloud", "phone", "open-source", "llm", "gpu", "risc-v", "linux", "rust",
    "earnings", "launch", "review", "security", "datacenter", "ev", "robot", "5g", "storage",
    "kernel", "database", "compiler", "browser", "startup", "policy", "supply-chain", "agent",
    "edge", "quantum", "foundry",
];

#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "金融", "制造", "医疗", "教育", "政务", "零售", "能源", "交通", "物流", "传媒", "游戏",
    "电信",
];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "武汉", "西安", "合肥", "苏州",
    "新加坡",
];

#[rustfmt::skip]
const ROLES: &[&str] = &[
    "首席技术官", "产品负责人", "首席执行官", "研究院院长", "资深分析师", "架构师",
    "开源项目维护者", "投资人", "芯片设计工程师", "运维负责人",
];

#[rustfmt::skip]
const SERIES: &[&str] = &[
    "Nova", "Pro", "Max", "Ultra", "Air", "X", "M", "S", "Lite", "Edge", "Turbo", "Neo",
];

#[rustfmt::skip]
const PRODUCT_KINDS: &[&str] = &[
    "大模型", "芯片", "云服务器", "手机", "平板", "笔记本", "智能眼镜", "操作系统", "数据库",
    "开发平台",
];

/// Title patterns. `{C}` company, `{P}` product, `{T}` technology, `{F}` industry,
/// `{L}` city, `{W}` role, `{N}` number, `{R}` percentage, `{M}` amount of money, `{Y}` year,
/// `{Q}` quarter, `{K}` a link, `{B}` a bold technology, `{I}` an inline code span.
const TITLES: &[&str] = &[
    "{C}发布{P}：{T}性能提升{R}",
    "{C}第{Q}季度营收{M}，{T}业务成最大亮点",
    "{T}进入深水区，{C}如何破局",
    "深度｜{T}的下半场：机遇与隐忧",
    "{C}开源{T}框架，开发者反响热烈",
    "{P}评测：{T}体验到底怎么样",
    "{C}完成新一轮融资，估值超过{M}",
    "{T}价格战打响，{C}率先降价{R}",
    "专访{C}{W}：我们为什么押注{T}",
    "{C}与{C}达成战略合作，共建{T}生态",
    "{L}发布{T}产业扶持政策，{F}企业最多可获{M}补贴",
    "{P}正式开售，起售价{N}元",
    "{C}被曝裁员，{T}团队首当其冲",
    "{T}安全漏洞曝光，{C}紧急发布补丁",
    "快讯｜{C}宣布在{L}建设新一代数据中心",
    "从{T}到{T}：{C}的第二增长曲线",
    "{F}行业拥抱{T}，{C}拿下多个大单",
    "评论｜{T}热潮之下，别忘了工程的基本功",
    "{C}推出面向{F}行业的{T}解决方案",
    "{Y} 年{T}市场回顾：{C}领跑，{C}紧随其后",
    "{C}{W}离职，{T}战略或生变数",
    "{P}拆解：国产{T}占比超过{R}",
    "开源社区热议：{T}项目是否该更换许可证",
    "{C}公布{T}路线图，{Y} 年实现量产",
];

const HEADINGS: &[&str] = &[
    "背景",
    "发布会要点",
    "技术细节",
    "性能实测",
    "市场格局",
    "行业影响",
    "竞争对手的反应",
    "开发者怎么看",
    "风险与挑战",
    "监管动向",
    "价格与上市时间",
    "写在最后",
    "{T}的下一步",
    "{C}的算盘",
    "数据说话",
    "专家观点",
    "产业链梳理",
    "代码示例",
    "参数对比",
    "未来展望",
    "{F}行业的机会",
    "为什么是{T}",
];

const SENTENCES: &[&str] = &[
    "{C}今天正式发布了{P}，主打{T}与{T}两大能力。",
    "据{C}披露，新一代产品在{T}场景下的推理性能提升了{R}，功耗则下降了{R}。",
    "{C}{W}在发布会上表示，公司将在未来三年内向{T}领域投入{M}。",
    "分析人士认为，这一举措将进一步加剧{T}市场的竞争。",
    "根据{K}，{Y} 年全球{T}市场规模已达到{M}，同比增长{R}。",
    "值得注意的是，{C}并未公布具体的出货量数据。",
    "在{L}举行的开发者大会上，{C}展示了基于{T}的全新开发工具链。",
    "业内普遍认为，{T}正在从实验室走向大规模商用。",
    "与上一代相比，{P}的单卡算力提升约 {N} 倍，显存带宽同样大幅增加。",
    "不过，也有开发者在社区中指出，新版本的{T}接口存在兼容性问题。",
    "{C}方面回应称，相关问题将在下一个版本中修复。",
    "从财报来看，{C}第{Q}季度营收为{M}，其中云业务贡献了{R}。",
    "对于中小企业而言，{T}的部署门槛依然偏高。",
    "一位不愿具名的{W}告诉记者，团队内部已经在评估迁移到{T}的成本。",
    "{F}行业是{T}落地最快的领域之一，其次是{F}和{F}。",
    "开源社区对此反应积极，相关仓库在一周内获得了超过 {N} 个星标。",
    "{C}同时宣布，将把{P}的部分核心代码以 Apache 2.0 许可证开源。",
    "监管部门近期出台的新规，对{T}服务提出了更严格的备案要求。",
    "在价格方面，{P}的起售价为 {N} 元，较上一代下调了{R}。",
    "供应链消息显示，{C}已向代工厂追加了 {N} 万片晶圆订单。",
    "{W}指出，{T}与{T}的结合，将成为下一阶段的主要增长点。",
    "这也是{C}今年以来第 {N} 次调整组织架构。",
    "从技术路线看，{C}选择了与{C}截然不同的方向。",
    "测试结果显示，在全部公开基准中，{P}有超过{R}的项目取得了领先。",
    "{C}表示，目前已有超过 {N} 家企业客户在生产环境中使用{T}。",
    "受此消息影响，{C}股价当日上涨{R}。",
    "市场研究机构的数据表明，{Y} 年国内{T}出货量同比增长{R}。",
    "对于普通用户来说，最直观的变化是续航更长、发热更低。",
    "{C}的做法并非没有争议，部分用户担心数据隐私得不到充分保障。",
    "围绕{T}的标准之争，短期内恐怕难有定论。",
    "据了解，该项目由{C}牵头，联合了 {N} 家高校和研究机构共同推进。",
    "{P}将于下月起在{L}等城市率先开售。",
    "目前，{T}仍面临人才短缺、成本高企和生态不完善三大难题。",
    "{C}{W}在接受采访时坦言，过去一年公司在{T}上走了不少弯路。",
    "新版本还引入了对{B}的原生支持，开发者无需额外配置即可使用。",
    "有观点认为，{T}的泡沫正在显现，但长期价值依然值得期待。",
    "早在 {Y} 年，{C}就开始在{T}方向持续布局。",
    "该漏洞影响{P}的多个版本，{C}已发布安全更新，建议用户尽快升级。",
    "在{F}场景中，{T}帮助企业将运营成本降低了约{R}。",
    "据{K}报道，{C}正在与多家车企洽谈{T}方面的合作。",
    "分析师预计，未来三年内{T}将覆盖超过一半的新售设备。",
    "{C}工程团队在博客中详细介绍了他们如何用{T}重写核心模块，并公开了 {I} 的用法。",
    "这次更新的重点并不在于参数规模，而在于推理效率和工程可靠性。",
    "业内人士提醒，{T}项目上线前必须做好充分的压力测试和灰度发布。",
    "{C}官方文档显示，新接口每千次调用收费 {N} 元，另有免费额度。",
    "截至发稿时，{C}尚未对此事作出正式回应。",
    "{L}的一家{F}企业已率先完成了{T}改造，整体效率提升{R}。",
    "这意味着，{T}的竞争已经从单点技术转向完整生态。",
    "与此同时，{C}也在加快海外市场的拓展步伐。",
    "{B}是本次发布中最受关注的功能。",
    "有开发者在论坛上分享了调优经验：只需调整 {I} 参数，吞吐量就能提升{R}。",
    "在{L}的实验室里，{C}的工程师们正在反复验证{T}方案的稳定性。",
    "一位长期关注{T}的{W}认为，真正的拐点可能还要再等两到三年。",
    "更多细节可以参考{K}。",
    "{C}和{C}的专利纠纷仍在审理之中，双方均拒绝置评。",
    "相比参数和跑分，企业客户更关心的是服务的稳定性和总体拥有成本。",
];

const LIST_ITEMS: &[&str] = &[
    "降低{T}的部署门槛，提供一键安装脚本",
    "提升{F}场景下的推理效率",
    "完善开发者工具链与中文文档",
    "加强数据安全与隐私保护，默认开启端到端加密",
    "扩大与{C}的生态合作",
    "推出面向中小企业的{T}套餐，按量计费",
    "开放更多{T}接口，详见{K}",
    "在{L}建设新的研发中心",
    "**{T}**：支持率从{R}提升到{R}",
    "修复了 {N} 个已知问题，其中包括多个高危漏洞",
    "新增 {I} 命令，便于批量迁移历史数据",
    "单机性能提升{R}，集群规模上限提高到 {N} 个节点",
    "起售价 {N} 元，{Y} 年底前购买可享受以旧换新补贴",
    "与{F}行业伙伴联合发布白皮书",
    "引入{T}作为默认后端",
    "人才储备不足，核心岗位仍在招聘",
];

const QUOTES: &[&str] = &[
    "技术本身不是护城河，把技术变成可靠的产品才是。",
    "我们不追求参数最大，而是追求每一分算力都用在刀刃上。",
    "开源不是慈善，而是一种更高效的协作方式。",
    "未来三年，{T}会像今天的数据库一样成为基础设施。",
    "用户不会为概念买单，只会为体验买单。",
    "{C}的优势在于把芯片、系统和应用放在一起打磨。",
];

/// Fenced code blocks by language, as templates: `@1`-`@3` are identifiers drawn once per
/// block (the same name wherever one appears), `@N` a number and `@W` a word, each drawn
/// afresh. Every block of the corpus is thus its own text, as a newsroom's are: a
/// highlighter that remembered blocks it had seen would gain nothing here that it would
/// not gain on real articles.
const CODE_BLOCKS: &[(&str, &str)] = &[
    (
        "rust",
        "use std::collections::HashMap;\n\nfn @1(@2: &[Vec<String>]) -> HashMap<&str, usize> {\n    let mut @3 = HashMap::with_capacity(@N);\n    for tags in @2 {\n        for tag in tags {\n            *@3.entry(tag.as_str()).or_insert(0) += @N;\n        }\n    }\n    @3\n}\n",
    ),
    (
        "python",
        "import json\n\ndef @1(path: str, device: str = \"@W\"):\n    \"\"\"读取配置并加载权重，批大小 @N。\"\"\"\n    with open(path, encoding=\"utf-8\") as f:\n        @2 = json.load(f)\n    @3 = build(@2, layers=@N)\n    return @3.to(device).eval()\n",
    ),
    (
        "go",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc @1() {\n\thttp.HandleFunc(\"/@W\", func(@2 http.ResponseWriter, @3 *http.Request) {\n\t\tfmt.Fprintln(@2, \"@W\")\n\t})\n\thttp.ListenAndServe(\":@N\", nil)\n}\n",
    ),
    (
        "bash",
        "# 拉取镜像并启动 @W 服务\ndocker pull registry.example.com/@W/@1:latest\ndocker run -d --gpus all -p @N:@N \\\n  -e MODEL_PATH=/models/@2 \\\n  registry.example.com/@W/@1:latest\ncurl -s http://localhost:@N/v1/@3\n",
    ),
    (
        "yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: @1\nspec:\n  replicas: @N\n  template:\n    spec:\n      containers:\n        - name: @2\n          image: registry.example.com/@W/@3:2.@N\n          resources:\n            limits:\n              memory: @NGi\n",
    ),
    (
        "sql",
        "-- 按月统计各分类的文章数（@W）\nSELECT date_trunc('month', published_at) AS @1,\n       category,\n       count(*) AS @2\nFROM @3\nWHERE published_at >= '2024-01-01'\nGROUP BY 1, 2\nHAVING count(*) > @N\nORDER BY 1 DESC, 3 DESC;\n",
    ),
    (
        "c",
        "#include <stdint.h>\n\n/* 以 @N 字节为单位对齐，避免伪共享 */\nstruct @1 {\n    _Alignas(64) uint64_t @2;\n    _Alignas(64) uint64_t @3;\n};\n\nstatic inline void @W(struct @1 *c) { __atomic_add_fetch(&c->@2, @N, __ATOMIC_RELAXED); }\n",
    ),
    (
        "json",
        "{\n  \"model\": \"@W-@N\",\n  \"@1\": [\n    {\"role\": \"user\", \"content\": \"用 @N 句话总结今天的@W新闻\"}\n  ],\n  \"@2\": 0.@N,\n  \"@3\": @N\n}\n",
    ),
];

/// Names for a code block's identifiers: none is a keyword in any of its languages.
#[rustfmt::skip]
const CODE_NAMES: &[&str] = &[
    "counts", "totals", "batch", "shard", "tokens", "hits", "misses", "queue", "worker",
    "reader", "writer", "buffer", "frames", "layers", "weights", "scores", "latency",
    "budget", "cursor", "pages", "items", "stats", "tally", "metrics", "replica", "lease",
    "ledger", "digest", "quota", "backlog",
];

/// Words for a code block's strings and names: lower-case ASCII.
#[rustfmt::skip]
const CODE_WORDS: &[&str] = &[
    "chat", "infer", "vision", "speech", "search", "embed", "rerank", "ocr", "agent",
    "gateway", "edge", "train", "eval", "index", "feed", "audit",
];

#[rustfmt::skip]
const INLINE_CODE: &[&str] = &[
    "--release", "max_batch_size", "kubectl rollout", "cargo build", "pip install", "num_threads",
    "torch.compile", "git bisect", "CUDA_VISIBLE_DEVICES", "O_DIRECT",
];

// ---------------------------------------------------------------------------------------
// Generation.

/// Tags by popularity rank and the cumulative Zipf weights used to draw them.
struct Tags {
    names: Vec<&'static str>,
    cumulative: Vec<f64>,
}

impl Tags {
    fn new() -> Self {
        // The most generic technology tags lead; companies are spread over the middle ranks.
        let mut names: Vec<&'static str> = Vec::with_capacity(TAG_COUNT);
        let mut companies = COMPANIES.iter().map(|(name, _)| *name);
        for (i, tag) in TECH_TAGS.iter().enumerate() {
            if names.len() == TAG_COUNT {
                break;
            }
            names.push(tag);
            if i >= 8
                && i.is_multiple_of(6)
                && let Some(c) = companies.next()
            {
                names.push(c);
            }
        }
        names.extend(companies);
        names.truncate(TAG_COUNT);
        assert_eq!(names.len(), TAG_COUNT, "tag banks too small");
        let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        lower.sort();
        lower.dedup();
        assert_eq!(
            lower.len(),
            TAG_COUNT,
            "tags must be distinct ignoring case"
        );
        let mut total = 0.0;
        let cumulative = (0..TAG_COUNT)
            .map(|k| {
                total += 1.0 / (k as f64 + 1.0);
                total
            })
            .collect::<Vec<_>>();
        let cumulative = cumulative.iter().map(|c| c / total).collect();
        Tags { names, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cumulative
            .partition_point(|&c| c <= u)
            .min(TAG_COUNT - 1)
    }
}

/// Writes `tpl` with its placeholders filled.
fn expand(rng: &mut Rng, tpl: &str, out: &mut String) {
    let mut rest = tpl;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let key = rest.as_bytes()[at + 1];
        rest = &rest[at + 3..];
        match key {
            b'C' => out.push_str(COMPANIES[rng.below(COMPANIES.len())].0),
            b'P' => product(rng, out),
            b'T' => out.push_str(rng.pick(TECH)),
            b'B' => {
                let _ = write!(out, "**{}**", rng.pick(TECH));
            }
            b'I' => {
                let _ = write!(out, "`{}`", rng.pick(INLINE_CODE));
            }
            b'F' => out.push_str(rng.pick(FIELDS)),
            b'L' => out.push_str(rng.pick(CITIES)),
            b'W' => out.push_str(rng.pick(ROLES)),
            b'N' => {
                let _ = write!(out, "{}", rng.range(2, 999));
            }
            b'R' => {
                let _ = write!(out, "{}.{}%", rng.range(1, 89), rng.below(10));
            }
            b'M' => {
                let unit = if rng.chance(60) {
                    "亿元"
                } else {
                    "亿美元"
                };
                let _ = write!(out, " {}.{} {unit}", rng.range(1, 980), rng.below(10));
            }
            b'Y' => {
                let _ = write!(out, "{}", rng.range(2019, 2025));
            }
            b'Q' => out.push_str(rng.pick(&["一", "二", "三", "四"])),
            b'K' => link(rng, out),
            _ => unreachable!("unknown placeholder in {tpl:?}"),
        }
    }
    out.push_str(rest);
}

fn product(rng: &mut Rng, out: &mut String) {
    let brand = COMPANIES[rng.below(COMPANIES.len())].1;
    let kind = rng.pick(PRODUCT_KINDS);
    let series = rng.pick(SERIES);
    let _ = write!(out, "{brand}{kind} {series}{}", rng.range(1, 12));
}

fn link(rng: &mut Rng, out: &mut String) {
    let n = rng.range(1000, 99999);
    match rng.below(3) {
        0 => {
            let _ = write!(
                out,
                "[《{}产业发展报告》](https://example.com/reports/{n}.html)",
                rng.pick(TECH)
            );
        }
        1 => {
            let c = COMPANIES[rng.below(COMPANIES.len())].0;
            let _ = write!(out, "[{c}官方博客](https://example.org/blog/{n}/)");
        }
        _ => {
            let _ = write!(out, "[项目主页](https://example.net/projects/{n})");
        }
    }
}

fn paragraph(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.range(3, 6) {
        let sentence = rng.pick(SENTENCES);
        expand(rng, sentence, out);
    }
    out.push_str("\n\n");
}

fn list(rng: &mut Rng, out: &mut String) {
    let ordered = rng.chance(40);
    for i in 1..=rng.range(3, 5) {
        if ordered {
            let _ = write!(out, "{i}. ");
        } else {
            out.push_str("- ");
        }
        let item = rng.pick(LIST_ITEMS);
        expand(rng, item, out);
        out.push('\n');
    }
    out.push('\n');
}

fn code_block(rng: &mut Rng, out: &mut String) {
    let (lang, template) = CODE_BLOCKS[rng.below(CODE_BLOCKS.len())];
    // Three different names, so that a parameter and a local never share one.
    let first = rng.below(CODE_NAMES.len());
    let second = (first + rng.range(1, 9)) % CODE_NAMES.len();
    let third = (second + rng.range(1, 9)) % CODE_NAMES.len();
    let names = [CODE_NAMES[first], CODE_NAMES[second], CODE_NAMES[third]];
    let _ = writeln!(out, "```{lang}");
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        match rest.as_bytes()[at + 1] {
            digit @ b'1'..=b'3' => out.push_str(names[usize::from(digit - b'1')]),
            b'N' => {
                let _ = write!(out, "{}", rng.range(2, 999));
            }
            b'W' => out.push_str(rng.pick(CODE_WORDS)),
            _ => unreachable!("unknown placeholder in {template:?}"),
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out.push_str("```\n\n");
}

fn table(rng: &mut Rng, out: &mut String) {
    match rng.below(3) {
        0 => {
            let (mut a, mut b) = (String::new(), String::new());
            product(rng, &mut a);
            product(rng, &mut b);
            let _ = writeln!(out, "| 参数 | {a} | {b} |\n|---|---|---|");
            let _ = writeln!(
                out,
                "| 制程 | {} nm | {} nm |",
                rng.range(2, 14),
                rng.range(2, 14)
            );
            let _ = writeln!(
                out,
                "| 核心数 | {} | {} |",
                rng.range(4, 128),
                rng.range(4, 128)
            );
            let _ = writeln!(
                out,
                "| 功耗 | {} W | {} W |",
                rng.range(5, 700),
                rng.range(5, 700)
            );
            let _ = writeln!(
                out,
                "| 售价 | {} 元 | {} 元 |",
                rng.range(999, 49999),
                rng.range(999, 49999)
            );
        }
        1 => {
            let _ = writeln!(
                out,
                "| 季度 | 营收（亿元） | 同比 | 毛利率 |\n|---|--:|--:|--:|"
            );
            for q in ["一", "二", "三", "四"] {
                let _ = writeln!(
                    out,
                    "| 第{q}季度 | {}.{} | {}.{}% | {}.{}% |",
                    rng.range(10, 900),
                    rng.below(10),
                    rng.range(1, 60),
                    rng.below(10),
                    rng.range(10, 70),
                    rng.below(10)
                );
            }
        }
        _ => {
            let _ = writeln!(out, "| 厂商 | 市场份额 | 同比变化 |\n|---|--:|--:|");
            for _ in 0..rng.range(3, 5) {
                let c = COMPANIES[rng.below(COMPANIES.len())].0;
                let sign = if rng.chance(70) { "+" } else { "-" };
                let _ = writeln!(
                    out,
                    "| {c} | {}.{}% | {sign}{}.{} |",
                    rng.range(1, 40),
                    rng.below(10),
                    rng.range(0, 9),
                    rng.below(10)
                );
            }
        }
    }
    out.push('\n');
}

fn quote(rng: &mut Rng, out: &mut String) {
    out.push_str("> ");
    let q = rng.pick(QUOTES);
    expand(rng, q, out);
    out.push_str("\n\n");
}

/// A Gregorian date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to 2019-01-01 and to 2026-01-01.
const FIRST_DAY: i64 = 17_897;
const END_DAY: i64 = 20_454;

struct Article {
    section: &'static str,
    file_name: String,
    text: String,
}

/// The pictures an article uses with `--images`: a cover and, in every fifth article, one
/// in the body.
struct ArticlePictures {
    cover: PictureSpec,
    body: Option<(&'static str, PictureSpec)>,
}

/// Series and second-author lines of article `index`, as YAML (`key: value`; the TOML
/// caller swaps the separator), from a generator of their own.
fn newsroom_fields(seed: u64, index: usize, author: &str) -> String {
    let mut rng = Rng::for_article(seed ^ 0x5e41_e5a1_7a0b_5e41, index as u64);
    let mut out = String::new();
    if rng.chance(20) {
        let topic = rng.pick(SERIES_TOPICS);
        let kind = if rng.chance(50) { "观察" } else { "追踪" };
        let _ = writeln!(out, "series: \"{topic}{kind}\"");
        if rng.chance(10) {
            let _ = writeln!(out, "series_order: {}", rng.range(1, 30));
        }
    }
    if rng.chance(12) {
        let second = rng.pick(AUTHORS);
        if second != author {
            let _ = writeln!(out, "authors: [\"{author}\", \"{second}\"]");
        }
    }
    out
}

/// What the articles look like. `NEWS` draws exactly what the generator drew before shapes
/// existed (same calls, same bounds), so its corpora are unchanged.
#[derive(Clone, Copy)]
struct Shape {
    /// Body length in bytes, drawn between these.
    body: (usize, usize),
    /// Tags per article, drawn from the `tag_pool` most popular.
    tags: (usize, usize),
    tag_pool: usize,
    /// Percent chance, per `##` section, of another list, a code block, a table, a quote.
    list: usize,
    code: usize,
    table: usize,
    quote: usize,
}

/// A tech-news portal: 3-6 KB articles with 2-6 of 300 tags.
const NEWS: Shape = Shape {
    body: (2700, 4500),
    tags: (2, 6),
    tag_pool: TAG_COUNT,
    list: 35,
    code: 25,
    table: 20,
    quote: 15,
};

/// A translated-articles archive (issue 19): long technical articles of 10-30 KB, heavy on
/// code and lists, with one or two of a few dozen tags.
const TRANSLATED: Shape = Shape {
    body: (10_000, 30_000),
    tags: (1, 2),
    tag_pool: 30,
    list: 60,
    code: 70,
    table: 10,
    quote: 10,
};

fn article(
    seed: u64,
    index: usize,
    tags: &Tags,
    shape: &Shape,
    pictures: Option<&ArticlePictures>,
) -> Article {
    let mut rng = Rng::for_article(seed, index as u64);

    let mut title = String::with_capacity(128);
    let pattern = rng.pick(TITLES);
    expand(&mut rng, pattern, &mut title);
    // Titles are plain text: drop the Markdown that placeholders such as {K} may add.
    let title = title.replace(['*', '`', '"', '\\'], "");

    let section = {
        let mut roll = rng.below(100);
        let mut chosen = SECTIONS[0].0;
        for (name, weight) in SECTIONS {
            if roll < *weight {
                chosen = name;
                break;
            }
            roll -= weight;
        }
        chosen
    };

    let day = FIRST_DAY + rng.below((END_DAY - FIRST_DAY) as usize) as i64;
    let (year, month, dom) = civil_from_days(day);
    let (hour, minute) = (rng.range(7, 23), rng.below(60));

    let mut tag_ids: Vec<usize> = Vec::with_capacity(6);
    let want = rng.range(shape.tags.0, shape.tags.1);
    for _ in 0..want * 8 {
        if tag_ids.len() == want {
            break;
        }
        let t = tags.draw(&mut rng) % shape.tag_pool;
        if !tag_ids.contains(&t) {
            tag_ids.push(t);
        }
    }
    let mut cat_ids: Vec<usize> = Vec::with_capacity(3);
    let want = rng.range(1, 3);
    while cat_ids.len() < want {
        // Mildly skewed: the first categories are the busiest.
        let c = rng
            .below(CATEGORIES.len())
            .min(rng.below(CATEGORIES.len() + 3));
        let c = c.min(CATEGORIES.len() - 1);
        if !cat_ids.contains(&c) {
            cat_ids.push(c);
        }
    }
    let author = rng.pick(AUTHORS);
    let extra = newsroom_fields(seed, index, author);

    let slug = if index % 5 == 4 {
        let topic = tags.names[tag_ids[0]];
        format!("{index:06}-{}", topic.to_lowercase())
    } else {
        let a = rng.pick(SLUG_WORDS);
        let b = rng.pick(SLUG_WORDS);
        format!("a{index:06}-{a}-{b}")
    };

    let quoted = |names: &mut dyn Iterator<Item = &str>| -> String {
        let parts: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
        format!("[{}]", parts.join(", "))
    };
    let tag_list = quoted(&mut tag_ids.iter().map(|&t| tags.names[t]));
    let cat_list = quoted(&mut cat_ids.iter().map(|&c| CATEGORIES[c]));

    let mut text = String::with_capacity(7 * 1024);
    if index.is_multiple_of(2) {
        let _ = write!(
            text,
            "+++\ntitle = \"{title}\"\ndate = {year:04}-{month:02}-{dom:02}T{hour:02}:{minute:02}:00+08:00\nauthor = \"{author}\"\ntags = {tag_list}\ncategories = {cat_list}\n"
        );
        if let Some(p) = pictures {
            let _ = writeln!(text, "cover = \"{}\"", p.cover.rel);
        }
        text.push_str(&extra.replace(": ", " = "));
        text.push_str("+++\n\n");
    } else {
        let _ = write!(
            text,
            "---\ntitle: \"{title}\"\ndate: {year:04}-{month:02}-{dom:02} {hour:02}:{minute:02}:00\nauthor: \"{author}\"\ntags: {tag_list}\ncategories: {cat_list}\n"
        );
        if let Some(p) = pictures {
            let _ = writeln!(text, "cover: \"{}\"", p.cover.rel);
        }
        text.push_str(&extra);
        text.push_str("---\n\n");
    }

    let body_start = text.len();
    let target = rng.range(shape.body.0, shape.body.1);
    paragraph(&mut rng, &mut text);
    if rng.chance(50) {
        text.push_str("<!--more-->\n\n");
    }
    let mut has_list = false;
    while text.len() - body_start < target {
        let heading = rng.pick(HEADINGS);
        text.push_str("## ");
        expand(&mut rng, heading, &mut text);
        text.push_str("\n\n");
        for _ in 0..rng.range(1, 2) {
            paragraph(&mut rng, &mut text);
        }
        if !has_list || rng.chance(shape.list) {
            list(&mut rng, &mut text);
            has_list = true;
        }
        if rng.chance(shape.code) {
            code_block(&mut rng, &mut text);
        }
        if rng.chance(shape.table) {
            table(&mut rng, &mut text);
        }
        if rng.chance(shape.quote) {
            quote(&mut rng, &mut text);
        }
    }
    while text.ends_with("\n\n") {
        text.pop();
    }
    // The body picture closes the first paragraph (or the `<!--more-->` after it), as its
    // own paragraph: below the lead, where a reader scrolls to it. Inserted after the text
    // is drawn, so that the words are the same with and without pictures.
    if let Some((alt, spec)) = pictures.and_then(|p| p.body.as_ref()) {
        let picture = format!("![{alt}](/{})\n\n", spec.rel);
        match text[body_start..].find("\n## ") {
            Some(at) => text.insert_str(body_start + at + 1, &picture),
            None => {
                text.push_str("\n\n");
                text.push_str(picture.trim_end());
            }
        }
    }

    Article {
        section,
        file_name: format!("{slug}.md"),
        text,
    }
}

// ---------------------------------------------------------------------------------------
// Pictures (`--images`): drawn by this program, so that the corpus needs no download.
//
// Photos are JPEGs of a two-colour gradient with soft discs, rectangles and film grain:
// the grain gives them the entropy of a camera picture, so they weigh what real ones do
// (about 0.25 bytes per pixel at quality 88). Screenshots and charts are flat PNGs.

/// What one picture is: its path under `static/` and how to draw it.
struct PictureSpec {
    /// Under `static/` and as the site references it (`img/covers/a000001.jpg`).
    rel: String,
    width: u32,
    height: u32,
    /// A flat PNG (a chart, a screenshot) rather than a JPEG photo.
    png: bool,
    /// Seeds the drawing.
    seed: u64,
}

/// Separates the pictures' random streams from the text's: `--images` adds pictures
/// without changing a word.
const PICTURE_SALT: u64 = 0x7069_6374_7572_6573;

#[rustfmt::skip]
const BODY_ALTS: &[&str] = &[
    "发布会现场", "产品外观", "数据中心机房", "芯片特写", "演示画面", "架构示意图",
    "测试数据对比", "工程师在调试设备", "展台一角", "应用界面截图",
];

/// Width and height of a picture: most 1200–2400 px wide, some smaller (800 px and up),
/// some larger, and a few 4000×3000 camera originals; 16:9, 3:2 or 4:3.
fn picture_size(rng: &mut Rng, png: bool) -> (u32, u32) {
    let roll = rng.below(100);
    if roll < 3 && !png {
        return (4000, 3000);
    }
    let width = match roll {
        0..=12 => rng.range(800, 1199),
        13..=87 => rng.range(1200, 2400),
        _ if png => rng.range(2401, 2880),
        _ => rng.range(2401, 3200),
    };
    let width = (width / 8 * 8).max(800) as u32;
    let (rw, rh) = match rng.below(100) {
        0..=59 => (16, 9),
        60..=84 => (3, 2),
        _ => (4, 3),
    };
    (width, width * rh / rw)
}

fn picture_spec(rng: &mut Rng, rel_stem: String) -> PictureSpec {
    let png = rng.chance(15);
    let (width, height) = picture_size(rng, png);
    let ext = if png { "png" } else { "jpg" };
    PictureSpec {
        rel: format!("{rel_stem}.{ext}"),
        width,
        height,
        png,
        seed: rng.next_u64(),
    }
}

/// The pictures of article `index`: a cover for each, a body picture for every fifth.
fn article_pictures(seed: u64, index: usize) -> ArticlePictures {
    let mut rng = Rng::for_article(mix64(seed ^ PICTURE_SALT), index as u64);
    let cover = picture_spec(&mut rng, format!("img/covers/a{index:06}"));
    let body = (index % 5 == 2).then(|| {
        let alt = rng.pick(BODY_ALTS);
        (
            alt,
            picture_spec(&mut rng, format!("img/body/a{index:06}-1")),
        )
    });
    ArticlePictures { cover, body }
}

type Rgb = [f32; 3];

fn colour(rng: &mut Rng) -> Rgb {
    [0, 1, 2].map(|_| rng.range(20, 235) as f32)
}

/// A photo-like RGB picture.
fn draw_photo(spec: &PictureSpec) -> Vec<u8> {
    let (w, h) = (spec.width as usize, spec.height as usize);
    let mut rng = Rng(spec.seed);
    let (top, bottom) = (colour(&mut rng), colour(&mut rng));
    // A light from one side: an offset per column, added to the vertical gradient.
    let light = rng.range(10, 50) as f32 * if rng.chance(50) { 1.0 } else { -1.0 };
    let column: Vec<f32> = (0..w)
        .map(|x| light * (x as f32 / w as f32 - 0.5))
        .collect();
    let mut px = vec![0f32; w * h * 3];
    for (y, row) in px.chunks_exact_mut(w * 3).enumerate() {
        let t = y as f32 / h as f32;
        let base: Rgb = [0, 1, 2].map(|c| top[c] + (bottom[c] - top[c]) * t);
        for (p, off) in row.chunks_exact_mut(3).zip(&column) {
            p[0] = base[0] + off;
            p[1] = base[1] + off;
            p[2] = base[2] + off;
        }
    }
    let short = w.min(h) as f32;
    for _ in 0..rng.range(6, 14) {
        let c = colour(&mut rng);
        let (cx, cy) = (rng.below(w) as f32, rng.below(h) as f32);
        if rng.chance(55) {
            // A soft disc: opaque in the middle, fading to its rim.
            let r = short * rng.range(5, 30) as f32 / 100.0;
            let strength = rng.range(50, 95) as f32 / 100.0;
            let (x0, x1) = ((cx - r).max(0.0) as usize, ((cx + r) as usize).min(w));
            let (y0, y1) = ((cy - r).max(0.0) as usize, ((cy + r) as usize).min(h));
            for y in y0..y1 {
                let dy = y as f32 - cy;
                for x in x0..x1 {
                    let dx = x as f32 - cx;
                    let d = (dx * dx + dy * dy) / (r * r);
                    if d < 1.0 {
                        let a = strength * (1.0 - d);
                        let p = &mut px[(y * w + x) * 3..][..3];
                        for k in 0..3 {
                            p[k] += (c[k] - p[k]) * a;
                        }
                    }
                }
            }
        } else {
            // A rectangle (a building, a device) shaded from top to bottom.
            let (rw, rh) = (w * rng.range(5, 35) / 100, h * rng.range(10, 60) / 100);
            let a = rng.range(60, 95) as f32 / 100.0;
            let (x0, y0) = (cx as usize, cy as usize);
            let (x1, y1) = ((x0 + rw).min(w), (y0 + rh).min(h));
            for y in y0..y1 {
                let shade = 1.0 - 0.35 * (y - y0) as f32 / rh.max(1) as f32;
                for x in x0..x1 {
                    let p = &mut px[(y * w + x) * 3..][..3];
                    for k in 0..3 {
                        p[k] += (c[k] * shade - p[k]) * a;
                    }
                }
            }
        }
    }
    // Film grain: brightness noise, plus a little colour noise.
    let grain = rng.range(9, 14) as f32 / 16.0;
    let mut out = vec![0u8; w * h * 3];
    for (y, (row, dst)) in px
        .chunks_exact(w * 3)
        .zip(out.chunks_exact_mut(w * 3))
        .enumerate()
    {
        let mut noise = Rng(mix64(spec.seed ^ y as u64));
        let mut bits = 0u64;
        for (x, (p, q)) in row.chunks_exact(3).zip(dst.chunks_exact_mut(3)).enumerate() {
            if x % 2 == 0 {
                bits = noise.next_u64();
            } else {
                bits >>= 32;
            }
            let luma = ((bits & 0xff) as f32 - 127.5) * grain * 0.18;
            for k in 0..3 {
                let chroma = (((bits >> (8 + 8 * k)) & 0xff) as f32 - 127.5) * grain * 0.03;
                q[k] = (p[k] + luma + chroma).clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// A chart or screenshot: flat colours, grid lines, bars and lines of "text".
fn draw_chart(spec: &PictureSpec) -> Vec<u8> {
    let (w, h) = (spec.width as usize, spec.height as usize);
    let mut rng = Rng(spec.seed);
    let mut px = vec![0u8; w * h * 3];
    let fill = |px: &mut [u8], x0: usize, y0: usize, x1: usize, y1: usize, c: [u8; 3]| {
        for y in y0.min(h)..y1.min(h) {
            for p in px[(y * w + x0.min(w)) * 3..(y * w + x1.min(w)) * 3].chunks_exact_mut(3) {
                p.copy_from_slice(&c);
            }
        }
    };
    let background = [rng.range(236, 252) as u8, rng.range(238, 252) as u8, 250];
    fill(&mut px, 0, 0, w, h, background);
    let header = h / 10;
    let accent = [0, 1, 2].map(|_| rng.range(20, 200) as u8);
    fill(&mut px, 0, 0, w, header, accent);
    // Lines of "text" in the header and down the left side.
    for i in 0..rng.range(3, 8) {
        let y = header + h / 20 + i * h / 16;
        let len = w * rng.range(10, 25) / 100;
        fill(
            &mut px,
            w / 30,
            y,
            w / 30 + len,
            y + h / 70 + 1,
            [90, 96, 104],
        );
    }
    let (left, right, top, bottom) = (w * 3 / 10, w * 29 / 30, header + h / 12, h * 9 / 10);
    let grid = [218, 222, 228];
    for i in 0..=5 {
        let y = top + (bottom - top) * i / 5;
        fill(&mut px, left, y, right, y + 2, grid);
    }
    let bars = rng.range(5, 14);
    let slot = (right - left) / bars;
    let colours = [accent, [0, 1, 2].map(|_| rng.range(20, 220) as u8)];
    for i in 0..bars {
        let height = (bottom - top) * rng.range(15, 95) / 100;
        let x = left + i * slot + slot / 5;
        fill(
            &mut px,
            x,
            bottom - height,
            x + slot * 3 / 5,
            bottom,
            colours[i % 2],
        );
    }
    px
}

/// Draws and writes a picture under `static_dir`; returns its size in bytes.
fn write_picture(static_dir: &Path, spec: &PictureSpec) -> std::io::Result<u64> {
    use image::ImageEncoder;
    let path = static_dir.join(&spec.rel);
    let context = |e: image::ImageError| std::io::Error::other(format!("{}: {e}", path.display()));
    let mut bytes = Vec::new();
    if spec.png {
        let pixels = draw_chart(spec);
        image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(
                &pixels,
                spec.width,
                spec.height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(context)?;
    } else {
        let pixels = draw_photo(spec);
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88)
            .write_image(
                &pixels,
                spec.width,
                spec.height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(context)?;
    }
    std::fs::write(&path, &bytes)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(bytes.len() as u64)
}

// ---------------------------------------------------------------------------------------
// Scenarios (issue 19, "no cliffs"): one unusual trait on top of the corpus, each of which
// must cost a build time and memory in proportion to its size.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// The first article has 5,000 tags of its own.
    ManyTags,
    /// One tag (全站) on every article.
    TagEverywhere,
    /// Every article on the same day, a second apart.
    OneDay,
    /// The first article is 50 MB long.
    HugeArticle,
    /// 200,000 small files in static/.
    ManyStatics,
}

const SCENARIOS: [(&str, Scenario); 5] = [
    ("many-tags", Scenario::ManyTags),
    ("tag-everywhere", Scenario::TagEverywhere),
    ("one-day", Scenario::OneDay),
    ("huge-article", Scenario::HugeArticle),
    ("many-statics", Scenario::ManyStatics),
];

const MANY_TAGS: usize = 5_000;
const HUGE_ARTICLE_BYTES: usize = 50_000_000;
const MANY_STATICS: usize = 200_000;

/// Rewrites one generated article for `scenario`; front matter is TOML for even-numbered
/// articles and YAML for odd ones, so each edit knows both spellings.
fn apply_scenario(scenario: Scenario, index: usize, text: &mut String) {
    let toml = index.is_multiple_of(2);
    let tags_key = if toml { "\ntags = [" } else { "\ntags: [" };
    match scenario {
        Scenario::ManyTags if index == 0 => {
            let extra: String = (1..=MANY_TAGS)
                .map(|n| format!("\"话题{n:04}\", "))
                .collect();
            *text = text.replacen(tags_key, &format!("{tags_key}{extra}"), 1);
        }
        Scenario::TagEverywhere => {
            *text = text.replacen(tags_key, &format!("{tags_key}\"全站\", "), 1);
        }
        Scenario::OneDay => {
            let (h, m, s) = (index / 3600 % 24, index / 60 % 60, index % 60);
            let key = if toml { "\ndate = " } else { "\ndate: " };
            let Some(start) = text.find(key).map(|at| at + key.len()) else {
                return;
            };
            let end = start + text[start..].find('\n').unwrap_or(0);
            let date = if toml {
                format!("2025-06-18T{h:02}:{m:02}:{s:02}+08:00")
            } else {
                format!("2025-06-18 {h:02}:{m:02}:{s:02}")
            };
            text.replace_range(start..end, &date);
        }
        Scenario::HugeArticle if index == 0 => {
            // The body again and again, each copy under a heading of its own. Article 0 has
            // TOML front matter: the body starts after the second `+++`.
            let body_at = text[3..].find("+++\n").map_or(0, |at| at + 3 + 4);
            let body = text[body_at..].to_string();
            let mut part = 1;
            text.reserve(HUGE_ARTICLE_BYTES);
            while text.len() < HUGE_ARTICLE_BYTES {
                part += 1;
                let _ = write!(text, "\n\n## 第 {part} 部分\n\n{body}");
            }
        }
        _ => {}
    }
}

/// `MANY_STATICS` small files under static/files/, a thousand to a folder.
fn write_many_statics(statics: &Path) -> std::io::Result<u64> {
    (0..MANY_STATICS / 1000)
        .into_par_iter()
        .map(|folder| {
            let dir = statics.join(format!("files/{folder:03}"));
            std::fs::create_dir_all(&dir)?;
            let mut bytes = 0;
            for i in folder * 1000..(folder + 1) * 1000 {
                let text = format!("附件 {i}：基准测试用的静态文件。\n");
                write_file(&dir.join(format!("{i:06}.txt")), &text)?;
                bytes += text.len() as u64;
            }
            Ok(bytes)
        })
        .sum()
}

// ---------------------------------------------------------------------------------------
// Command line.

struct Args {
    articles: usize,
    out: PathBuf,
    seed: u64,
    force: bool,
    images: bool,
    shape: Shape,
    scenario: Option<Scenario>,
}

const USAGE: &str = "usage: gen_corpus --articles N --out DIR [--seed S] [--images] [--force]\n\
    \x20                 [--shape news|translated] [--scenario NAME]\n\
    Writes DIR/config.toml and DIR/content/<section>/<slug>.md: N synthetic Chinese\n\
    tech-news articles, byte-identical for the same N and seed (default 42).\n\
    --images also draws a cover for every article and a body picture for every fifth\n\
    into DIR/static/img/ (JPEG photos and some PNG charts, 800x450 to 4000x3000).\n\
    --shape translated: a translated-articles archive (10-30 KB articles, much code,\n\
    1-2 of 30 tags) instead of the news portal's 3-6 KB articles with 2-6 of 300 tags.\n\
    --scenario: one unusual trait: many-tags (5,000 tags on one article), tag-everywhere\n\
    (a tag on every article), one-day (every article on one day), huge-article (one of\n\
    50 MB), many-statics (200,000 files in static/).\n\
    --force replaces an existing DIR/content (and DIR/static).";

fn parse_args() -> Result<Args, String> {
    let mut articles = None;
    let mut out = None;
    let mut seed = 42;
    let mut force = false;
    let mut images = false;
    let mut shape = NEWS;
    let mut scenario = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--articles" | "-n" => {
                let v = value(&arg)?;
                articles = Some(v.parse().map_err(|_| format!("bad --articles {v:?}"))?);
            }
            "--out" | "-o" => out = Some(PathBuf::from(value(&arg)?)),
            "--seed" => {
                let v = value(&arg)?;
                seed = v.parse().map_err(|_| format!("bad --seed {v:?}"))?;
            }
            "--images" => images = true,
            "--force" => force = true,
            "--shape" => {
                shape = match value(&arg)?.as_str() {
                    "news" => NEWS,
                    "translated" => TRANSLATED,
                    other => return Err(format!("unknown --shape {other:?}")),
                }
            }
            "--scenario" => {
                let v = value(&arg)?;
                let found = SCENARIOS.iter().find(|(name, _)| *name == v);
                scenario = Some(found.ok_or(format!("unknown --scenario {v:?}"))?.1);
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        articles: articles.ok_or("--articles N is required")?,
        out: out.ok_or("--out DIR is required")?,
        seed,
        force,
        images,
        shape,
        scenario,
    })
}

/// What [`write_site`] wrote.
#[derive(Default)]
struct Written {
    text_bytes: u64,
    pictures: usize,
    picture_bytes: u64,
    pixels: u64,
}

impl std::iter::Sum for Written {
    fn sum<I: Iterator<Item = Written>>(iter: I) -> Written {
        iter.fold(Written::default(), |a, b| Written {
            text_bytes: a.text_bytes + b.text_bytes,
            pictures: a.pictures + b.pictures,
            picture_bytes: a.picture_bytes + b.picture_bytes,
            pixels: a.pixels + b.pixels,
        })
    }
}

fn write_site(args: &Args) -> std::io::Result<Written> {
    let content = args.out.join("content");
    let statics = args.out.join("static");
    for dir in [&content, &statics] {
        let ours = dir == &content || args.images || args.scenario == Some(Scenario::ManyStatics);
        if dir.exists() && ours {
            if !args.force {
                return Err(std::io::Error::other(format!(
                    "{} exists; pass --force to replace it",
                    dir.display()
                )));
            }
            std::fs::remove_dir_all(dir)?;
        }
    }
    for (section, _) in SECTIONS {
        std::fs::create_dir_all(content.join(section))?;
    }
    if args.images {
        std::fs::create_dir_all(statics.join("img/covers"))?;
        std::fs::create_dir_all(statics.join("img/body"))?;
    }
    std::fs::write(
        args.out.join("config.toml"),
        "# Benchmark corpus written by crates/corpus (gen_corpus).\n\
         title = \"硅基基准日报\"\n\
         base_url = \"https://bench.example.com/\"\n\
         description = \"sitegen 基准测试用的合成科技资讯站点\"\n\
         language = \"zh-CN\"\n\
         paginate_by = 20\n",
    )?;
    let static_bytes = match args.scenario {
        Some(Scenario::ManyStatics) => write_many_statics(&statics)?,
        _ => 0,
    };
    let tags = Tags::new();
    let mut written = (0..args.articles)
        .into_par_iter()
        .map(|i| {
            let pictures = args.images.then(|| article_pictures(args.seed, i));
            let mut a = article(args.seed, i, &tags, &args.shape, pictures.as_ref());
            if let Some(scenario) = args.scenario {
                apply_scenario(scenario, i, &mut a.text);
            }
            write_file(&content.join(a.section).join(&a.file_name), &a.text)?;
            let mut written = Written {
                text_bytes: a.text.len() as u64,
                ..Written::default()
            };
            if let Some(p) = &pictures {
                for spec in std::iter::once(&p.cover).chain(p.body.as_ref().map(|(_, s)| s)) {
                    written.picture_bytes += write_picture(&statics, spec)?;
                    written.pictures += 1;
                    written.pixels += u64::from(spec.width) * u64::from(spec.height);
                }
            }
            Ok(written)
        })
        .sum::<std::io::Result<Written>>()?;
    written.text_bytes += static_bytes;
    Ok(written)
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen_corpus: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let started = Instant::now();
    match write_site(&args) {
        Ok(written) => {
            let pictures = if args.images {
                format!(
                    " and {} pictures ({:.1} MB, {:.1} megapixels)",
                    written.pictures,
                    written.picture_bytes as f64 / 1e6,
                    written.pixels as f64 / 1e6
                )
            } else {
                String::new()
            };
            eprintln!(
                "gen_corpus: wrote {} articles ({:.1} MB){pictures} into {} in {:.2} s",
                args.articles,
                written.text_bytes as f64 / 1e6,
                args.out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn code_blocks_fill_every_placeholder_and_no_two_are_alike() {
        let mut rng = Rng::for_article(42, 7);
        let mut blocks = HashSet::new();
        let mut languages = HashSet::new();
        for _ in 0..400 {
            let mut block = String::new();
            code_block(&mut rng, &mut block);
            let (fence, code) = block.split_once('\n').expect("a fence line");
            languages.insert(fence.trim_start_matches('`').to_string());
            assert!(code.ends_with("```\n\n"), "{block}");
            assert!(!code.contains('@'), "a placeholder left: {block}");
            assert!(blocks.insert(block.clone()), "drawn twice: {block}");
        }
        assert_eq!(languages.len(), CODE_BLOCKS.len(), "{languages:?}");
    }
}
