"""The words of the demo site, in English and Korean.

Written for this project about a programme modelled on the APEC School Leadership Program (facts
from shared/product.md). Rich text is HTML; StreamField bodies are lists of (block type, value)
pairs that ``demo.py`` turns into raw stream data, replacing image names with image ids.
"""

HOME = {
    "en": {
        "title": "APEC School Leadership Program",
        "search_description": (
            "A yearly programme that brings school leaders from across the Asia-Pacific together "
            "to build global competence and digital literacy, and to carry what they learn back "
            "to their schools."
        ),
        "intro": (
            "<p>School leaders shape how teachers grow, and teachers shape how ready students are "
            "for the future. Each year this programme gathers principals, vice-principals, lead "
            "teachers and education officials from APEC economies and invited guests for online "
            "study, an onsite workshop in Korea and a season of sharing at home.</p>"
        ),
        "call_heading": "Call for school leaders",
        "call_text": (
            "<p>Economies nominate up to five school leaders each. Applicants send a short "
            "motivation essay, a CV and an endorsement letter from their ministry or education "
            "office.</p>"
        ),
    },
    "ko": {
        "title": "APEC 학교 리더십 프로그램",
        "search_description": (
            "아시아·태평양 지역의 학교 리더들이 함께 모여 글로벌 역량과 디지털 리터러시를 키우고, "
            "배운 것을 자신의 학교로 가져가는 연례 프로그램입니다."
        ),
        "intro": (
            "<p>학교 리더는 교사의 성장을 이끌고, 교사는 학생이 미래를 준비하는 방식을 바꿉니다. "
            "이 프로그램은 해마다 APEC 회원 경제체와 초청 경제체의 교장, 교감, 선도 교사, 교육 "
            "행정가를 모아 온라인 사전 연수, 한국에서의 현장 워크숍, 그리고 각자의 학교에서 이어지는 "
            "확산 활동을 함께합니다.</p>"
        ),
        "call_heading": "학교 리더 모집",
        "call_text": (
            "<p>각 경제체는 학교 리더를 최대 다섯 명까지 추천할 수 있습니다. 지원자는 짧은 지원 "
            "동기 에세이, 이력서, 그리고 교육부 또는 교육청의 추천서를 제출합니다.</p>"
        ),
    },
}

ABOUT = {
    "en": {
        "title": "About the programme",
        "slug": "about",
        "search_description": "Why the programme exists, how it began and what it aims to achieve.",
        "intro": (
            "A programme proposed by Korea's Ministry of Education within APEC's education "
            "community and run every year since 2020."
        ),
        "body": [
            (
                "text",
                "<h2>How it began</h2><p>Korea's Ministry of Education proposed the programme in "
                "APEC's education-innovation community, and APEC's Human Resources Development "
                "Working Group endorsed it in 2017. An institute for APEC collaborative education "
                "runs it. Two pilot rounds in 2019 brought together 14 school leaders from 5 "
                "economies; the official launch followed in 2020 with 30 leaders from 6 "
                "economies, and every round since has been larger than the one before.</p>",
            ),
            (
                "key_figures",
                {
                    "heading": "In figures",
                    "figures": [
                        {"value": "2017", "label": "endorsed by APEC HRDWG", "note": ""},
                        {
                            "value": "14",
                            "label": "leaders in the 2019 pilots",
                            "note": "5 economies",
                        },
                        {
                            "value": "30",
                            "label": "leaders in the 2020 launch",
                            "note": "6 economies",
                        },
                        {
                            "value": "13",
                            "label": "economies have taken part",
                            "note": "10 APEC members, 3 guests",
                        },
                    ],
                },
            ),
            (
                "image",
                {
                    "image": "workshop",
                    "alt_text": "Participants around a table in a workshop",
                    "caption": "Group work during an onsite workshop.",
                    "credit": "Demo image",
                },
            ),
            (
                "quote",
                {
                    "quote": "Coming back, I did not bring a plan from abroad. I brought questions "
                    "that my teachers and I now answer together.",
                    "attribution": "A participating principal",
                    "role": "Secondary school, demo quotation",
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "See how a programme year runs",
                    "text": "Three stages: online pre-training, an onsite workshop and online post-training.",
                    "button_label": "Programme stages",
                    "page": "programme",
                    "url": "",
                },
            ),
        ],
    },
    "ko": {
        "title": "프로그램 소개",
        "search_description": "프로그램이 생긴 이유, 시작된 과정, 그리고 이루고자 하는 목표를 소개합니다.",
        "intro": "대한민국 교육부가 APEC 교육 협력 공동체에 제안하여 2020년부터 해마다 운영되는 프로그램입니다.",
        "body": [
            (
                "text",
                "<h2>시작된 과정</h2><p>대한민국 교육부가 APEC 교육 혁신 공동체에 이 프로그램을 "
                "제안했고, 2017년 APEC 인적자원개발실무그룹(HRDWG)의 승인을 받았습니다. 운영은 APEC "
                "협력 교육을 위한 기관이 맡고 있습니다. 2019년 두 차례의 시범 운영에 5개 경제체의 학교 "
                "리더 14명이 참여했고, 2020년 6개 경제체 30명과 함께 공식 출범한 뒤 해마다 규모가 "
                "커지고 있습니다.</p>",
            ),
            (
                "key_figures",
                {
                    "heading": "숫자로 보는 프로그램",
                    "figures": [
                        {"value": "2017", "label": "APEC HRDWG 승인", "note": ""},
                        {"value": "14", "label": "2019년 시범 운영 참가자", "note": "5개 경제체"},
                        {"value": "30", "label": "2020년 공식 출범 참가자", "note": "6개 경제체"},
                        {"value": "13", "label": "참여 경제체", "note": "APEC 회원 10곳, 초청 3곳"},
                    ],
                },
            ),
            (
                "image",
                {
                    "image": "workshop",
                    "alt_text": "워크숍에서 탁자에 둘러앉은 참가자들",
                    "caption": "현장 워크숍의 모둠 활동.",
                    "credit": "데모 이미지",
                },
            ),
            (
                "quote",
                {
                    "quote": "돌아올 때 외국의 계획을 가져온 것이 아닙니다. 우리 학교 선생님들과 함께 답을 "
                    "찾아갈 질문들을 가져왔습니다.",
                    "attribution": "참가 교장",
                    "role": "중등학교, 데모 인용문",
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "한 해의 프로그램이 어떻게 진행되는지 알아보세요",
                    "text": "온라인 사전 연수, 현장 워크숍, 온라인 사후 연수의 세 단계로 진행됩니다.",
                    "button_label": "프로그램 단계",
                    "page": "programme",
                    "url": "",
                },
            ),
        ],
    },
}

BACKGROUND = {
    "en": {
        "title": "Background and research",
        "slug": "background",
        "search_description": "The research on teachers' and school leaders' competencies behind the programme.",
        "intro": "Research in 2018 and 2019 pointed to school leaders as a lever for teachers' growth.",
        "body": [
            (
                "text",
                "<p>Studies carried out in 2018 and 2019 found that teachers' competencies matter "
                "a great deal for students who must be ready for a changing world, and that the "
                "competencies of school leaders go hand in hand with the professional development "
                "of their teachers. International work on school leadership, including the OECD's, "
                "points the same way.</p><p>The programme therefore invests in school leaders: "
                "people who can open time, space and permission for teachers to learn from one "
                "another, inside a school and across borders.</p>",
            ),
        ],
    },
    "ko": {
        "title": "배경과 연구",
        "search_description": "프로그램의 바탕이 된 교사와 학교 리더의 역량에 관한 연구를 소개합니다.",
        "intro": "2018년과 2019년의 연구는 교사의 성장을 이끄는 지렛대로 학교 리더를 지목했습니다.",
        "body": [
            (
                "text",
                "<p>2018년과 2019년에 수행된 연구에 따르면, 변화하는 세상에 대비해야 하는 학생들에게 "
                "교사의 역량은 매우 중요하며, 학교 리더의 역량은 교사의 전문성 개발과 밀접하게 "
                "관련되어 있습니다. OECD를 비롯한 학교 리더십에 관한 국제 연구도 같은 방향을 "
                "가리킵니다.</p><p>그래서 이 프로그램은 학교 리더에게 투자합니다. 학교 안에서, 그리고 "
                "국경을 넘어 교사들이 서로 배울 수 있도록 시간과 공간과 권한을 열어 줄 수 있는 "
                "사람들이기 때문입니다.</p>",
            ),
        ],
    },
}

OBJECTIVES = {
    "en": {
        "title": "Objectives and outcomes",
        "slug": "objectives",
        "search_description": "What the programme sets out to do and what participants take home.",
        "intro": "Equipping school leaders for the future through digital literacy and inclusive cooperation.",
        "body": [
            (
                "text",
                "<h2>Objective</h2><p>To equip school leaders for the future through digital "
                "literacy and inclusive cooperation.</p><h2>Expected outcomes</h2><ul><li>Stronger "
                "capacity of school leaders in global competence and digital literacy.</li><li>Shared "
                "education policies, cultures and experience of school innovation among "
                "economies.</li><li>Closer education cooperation across the APEC region.</li></ul>",
            ),
        ],
    },
    "ko": {
        "title": "목표와 기대 성과",
        "search_description": "프로그램이 하고자 하는 일과 참가자들이 얻어 가는 것을 소개합니다.",
        "intro": "디지털 리터러시와 포용적 협력을 통해 학교 리더가 미래를 준비하도록 돕습니다.",
        "body": [
            (
                "text",
                "<h2>목표</h2><p>디지털 리터러시와 포용적 협력을 통해 학교 리더가 미래에 대비할 수 "
                "있도록 역량을 갖추게 합니다.</p><h2>기대 성과</h2><ul><li>학교 리더의 글로벌 역량과 "
                "디지털 리터러시 향상</li><li>경제체 간 교육 정책, 문화, 학교 혁신 경험의 "
                "공유</li><li>APEC 지역의 교육 협력 강화</li></ul>",
            ),
        ],
    },
}

STAGES = {
    "en": {
        "title": "Programme stages",
        "slug": "programme",
        "search_description": "The three stages of a programme year: online pre-training, onsite workshop, online post-training.",
        "intro": "<p>Each programme year runs in three stages, from spring to the end of the year.</p>",
        "stages": [
            {
                "title": "Online Pre-Training",
                "period": "Spring, online",
                "mode": "online",
                "summary": "<p>Participants meet online, say where they stand and prepare their contribution to the workshop.</p>",
                "activities": [
                    "Pre-training survey",
                    "Kick-off meeting",
                    "Pre-training assignments",
                ],
            },
            {
                "title": "Onsite Training Workshop",
                "period": "Early autumn, Seoul",
                "mode": "onsite",
                "summary": "<p>About a week together in Korea: lectures, discussion, school visits and group work.</p>",
                "activities": [
                    "Opening and closing ceremony",
                    "Keynote speech",
                    "In-depth lectures",
                    "Panel discussion",
                    "Best-practice sharing",
                    "Group activities",
                    "Field trip",
                ],
            },
            {
                "title": "Online Post-Training",
                "period": "Autumn to winter, online",
                "mode": "online",
                "summary": "<p>Back home, participants share what they learned with colleagues in their schools and economies and report on it.</p>",
                "activities": ["Satisfaction survey", "Dissemination", "Post-training assignments"],
            },
        ],
    },
    "ko": {
        "title": "프로그램 단계",
        "search_description": "온라인 사전 연수, 현장 워크숍, 온라인 사후 연수로 이루어진 한 해의 프로그램 단계를 소개합니다.",
        "intro": "<p>프로그램은 해마다 봄부터 연말까지 세 단계로 진행됩니다.</p>",
        "stages": [
            {
                "title": "온라인 사전 연수",
                "period": "봄, 온라인",
                "mode": "online",
                "summary": "<p>참가자들이 온라인으로 만나 각자의 현황을 나누고 워크숍에서 발표할 내용을 준비합니다.</p>",
                "activities": ["사전 설문", "발대식(킥오프 회의)", "사전 과제"],
            },
            {
                "title": "현장 연수 워크숍",
                "period": "초가을, 서울",
                "mode": "onsite",
                "summary": "<p>한국에서 약 일주일 동안 강의, 토론, 학교 방문, 모둠 활동을 함께합니다.</p>",
                "activities": [
                    "개회식과 폐회식",
                    "기조연설",
                    "심화 강의",
                    "패널 토론",
                    "우수 사례 공유",
                    "모둠 활동",
                    "현장 견학",
                ],
            },
            {
                "title": "온라인 사후 연수",
                "period": "가을부터 겨울, 온라인",
                "mode": "online",
                "summary": "<p>귀국한 참가자들은 배운 것을 자신의 학교와 경제체의 동료들과 나누고 그 결과를 보고합니다.</p>",
                "activities": ["만족도 설문", "확산 활동", "사후 과제"],
            },
        ],
    },
}

ECONOMIES = {
    "en": {
        "title": "Participating economies",
        "slug": "economies",
        "search_description": "The APEC member economies and invited guests whose school leaders have taken part.",
        "intro": (
            "<p>APEC speaks of economies rather than countries, and uses their own short names, "
            "such as Chinese Taipei or Hong Kong, China. Ten APEC members and three invited "
            "guests have sent school leaders so far.</p>"
        ),
    },
    "ko": {
        "title": "참여 경제체",
        "search_description": "학교 리더를 파견한 APEC 회원 경제체와 초청 경제체를 소개합니다.",
        "intro": (
            "<p>APEC에서는 국가 대신 경제체라는 말을 쓰며, 중화 타이베이나 홍콩, 중국처럼 고유한 "
            "약칭을 사용합니다. 지금까지 APEC 회원 경제체 10곳과 초청 경제체 3곳이 학교 리더를 "
            "보냈습니다.</p>"
        ),
    },
}

NEWS_INDEX = {
    "en": {
        "title": "News",
        "slug": "news",
        "search_description": "News from the programme: calls, workshops and stories from schools.",
        "intro": "<p>Calls, workshops and stories from participants' schools.</p>",
    },
    "ko": {
        "title": "소식",
        "search_description": "모집, 워크숍, 학교 현장 이야기 등 프로그램 소식을 전합니다.",
        "intro": "<p>모집 공고, 워크숍, 그리고 참가자 학교의 이야기를 전합니다.</p>",
    },
}

# (days before the demo's reference date, slug, image, tags, en, ko)
NEWS = [
    (
        2,
        "call-for-aslp-2027",
        "call",
        (["call", "ASLP 2027"], ["모집", "ASLP 2027"]),
        {
            "title": "Call for ASLP 2027 opens",
            "intro": "Economies can now nominate school leaders for next year's programme.",
            "body": "<p>The call for the 2027 programme is open. Each economy's focal point nominates candidates, who then complete their application online. Reviewers from other economies score every application with a shared rubric.</p>",
        },
        {
            "title": "ASLP 2027 모집 시작",
            "intro": "이제 각 경제체가 내년 프로그램에 참가할 학교 리더를 추천할 수 있습니다.",
            "body": "<p>2027년 프로그램 모집이 시작되었습니다. 각 경제체의 담당자가 후보자를 추천하면 후보자는 온라인으로 지원서를 작성합니다. 다른 경제체의 심사위원들이 공통 기준표로 모든 지원서를 평가합니다.</p>",
        },
    ),
    (
        30,
        "dissemination-reports-2026",
        "dissemination",
        (["dissemination", "ASLP 2026"], ["확산 활동", "ASLP 2026"]),
        {
            "title": "Participants report back from their schools",
            "intro": "Post-training reports show workshops held for colleagues in many economies.",
            "body": "<p>In the weeks after the workshop, participants ran sessions for teachers in their own schools and districts. Their reports describe what was shared, with whom, and what changed.</p>",
        },
        {
            "title": "참가자들, 학교 현장의 확산 활동 보고",
            "intro": "사후 연수 보고서에는 여러 경제체에서 동료들을 위해 열린 연수가 담겼습니다.",
            "body": "<p>워크숍이 끝난 뒤 몇 주 동안 참가자들은 자신의 학교와 지역 교사들을 위한 연수를 열었습니다. 보고서에는 무엇을 누구와 나누었고 무엇이 달라졌는지가 담겨 있습니다.</p>",
        },
    ),
    (
        60,
        "onsite-workshop-2026",
        "workshop",
        (["workshop", "ASLP 2026"], ["워크숍", "ASLP 2026"]),
        {
            "title": "Onsite workshop closes in Seoul",
            "intro": "A week of lectures, school visits and group work ended with a closing ceremony.",
            "body": "<p>School leaders spent the week in lectures and panel discussions, visited schools in and around Seoul, and worked in mixed groups on plans to take home.</p>",
        },
        {
            "title": "서울 현장 워크숍 폐막",
            "intro": "강의, 학교 방문, 모둠 활동으로 채운 일주일이 폐회식과 함께 마무리되었습니다.",
            "body": "<p>학교 리더들은 일주일 동안 강의와 패널 토론에 참여하고, 서울과 인근의 학교를 방문했으며, 여러 경제체가 섞인 모둠에서 귀국 후 실행할 계획을 세웠습니다.</p>",
        },
    ),
    (
        120,
        "kick-off-2026",
        "kickoff",
        (["pre-training", "ASLP 2026"], ["사전 연수", "ASLP 2026"]),
        {
            "title": "Kick-off meeting opens the 2026 programme",
            "intro": "Participants met online for the first time across many time zones.",
            "body": "<p>The online kick-off introduced the year's themes, the pre-training assignments and the people who will guide participants through the stages.</p>",
        },
        {
            "title": "발대식으로 2026년 프로그램 시작",
            "intro": "여러 시간대에 걸쳐 참가자들이 처음으로 온라인에서 만났습니다.",
            "body": "<p>온라인 발대식에서는 올해의 주제, 사전 과제, 그리고 각 단계에서 참가자를 안내할 사람들을 소개했습니다.</p>",
        },
    ),
    (
        200,
        "digital-literacy-lecture",
        "lecture",
        (["digital literacy"], ["디지털 리터러시"]),
        {
            "title": "What digital literacy asks of school leaders",
            "intro": "A lecture summary: leading a school where learning happens on screens and off them.",
            "body": "<p>Digital literacy is not only about devices. The lecture looked at how leaders set expectations, protect time for teachers to experiment, and judge what works.</p>",
        },
        {
            "title": "디지털 리터러시가 학교 리더에게 요구하는 것",
            "intro": "강의 요약: 화면 안팎에서 배움이 일어나는 학교를 이끄는 일.",
            "body": "<p>디지털 리터러시는 기기만의 문제가 아닙니다. 이 강의는 리더가 기대를 어떻게 정하고, 교사가 시도할 시간을 어떻게 지켜 주며, 무엇이 효과가 있는지 어떻게 판단하는지를 다루었습니다.</p>",
        },
    ),
    (
        330,
        "alumni-network",
        "alumni",
        (["alumni"], ["동문"]),
        {
            "title": "Alumni keep learning together",
            "intro": "Former participants now meet online to share school-innovation projects.",
            "body": "<p>Leaders from earlier rounds continue to meet, visit each other's schools where they can, and mentor new participants.</p>",
        },
        {
            "title": "함께 배움을 이어 가는 동문들",
            "intro": "이전 참가자들이 온라인으로 만나 학교 혁신 사례를 나눕니다.",
            "body": "<p>지난 기수의 리더들은 계속 만나고, 가능할 때 서로의 학교를 방문하며, 새 참가자들의 멘토가 되어 줍니다.</p>",
        },
    ),
    (
        400,
        "pilot-anniversary",
        "pilot",
        (["history"], ["연혁"]),
        {
            "title": "From two pilots to a yearly programme",
            "intro": "Looking back at the 2019 pilots with 14 school leaders from 5 economies.",
            "body": "<p>The two pilot rounds in 2019 tested the three-stage design. The official launch in 2020 welcomed 30 leaders from 6 economies.</p>",
        },
        {
            "title": "두 번의 시범 운영에서 연례 프로그램으로",
            "intro": "5개 경제체 학교 리더 14명이 함께한 2019년 시범 운영을 돌아봅니다.",
            "body": "<p>2019년 두 차례의 시범 운영에서 세 단계 구성을 시험했습니다. 2020년 공식 출범에는 6개 경제체의 리더 30명이 함께했습니다.</p>",
        },
    ),
]

RESOURCE_LIBRARY = {
    "en": {
        "title": "Resources",
        "slug": "resources",
        "search_description": "Best practices and learning materials written by school leaders of the programme, free to use.",
        "intro": (
            "<p>School leaders who took part in the programme share what worked in their schools: "
            "best practices and short learning materials, reviewed by the programme team and "
            "published with their authors' consent. Search them or filter by topic, school level "
            "and economy.</p>"
        ),
    },
    "ko": {
        "title": "자료실",
        "search_description": "프로그램에 참여한 학교 리더들이 작성한 우수 사례와 학습 자료를 자유롭게 활용하세요.",
        "intro": (
            "<p>프로그램에 참여한 학교 리더들이 자기 학교에서 효과를 본 우수 사례와 짧은 학습 자료를 "
            "나눕니다. 모든 자료는 프로그램 팀의 검토를 거쳐 저자의 동의를 받아 게시됩니다. "
            "검색하거나 주제, 학교급, 경제체별로 찾아보세요.</p>"
        ),
    },
}

PARTNERS_PAGE = {
    "en": {
        "title": "Partners",
        "slug": "partners",
        "search_description": "The organizations that run and support the programme.",
        "intro": "<p>The programme is run and supported by these organizations.</p>",
    },
    "ko": {
        "title": "협력 기관",
        "search_description": "프로그램을 운영하고 지원하는 기관들을 소개합니다.",
        "intro": "<p>다음 기관들이 프로그램을 운영하고 지원합니다.</p>",
    },
}

PARTNERS = [
    {
        "key": "moe",
        "kind": "organizer",
        "url": "https://english.moe.go.kr/",
        "en": ("Ministry of Education, Republic of Korea", "Proposed the programme and funds it."),
        "ko": ("대한민국 교육부", "프로그램을 제안하고 재정을 지원합니다."),
    },
    {
        "key": "institute",
        "kind": "organizer",
        "url": "",
        "en": ("Institute for APEC Collaborative Education", "Runs the programme year by year."),
        "ko": ("APEC 협력교육 연구원", "해마다 프로그램을 운영합니다."),
    },
    {
        "key": "hrdwg",
        "kind": "partner",
        "url": "https://www.apec.org/",
        "en": ("APEC Human Resources Development Working Group", "Endorsed the programme in 2017."),
        "ko": ("APEC 인적자원개발실무그룹", "2017년 프로그램을 승인했습니다."),
    },
    {
        "key": "oecd",
        "kind": "related",
        "url": "https://www.oecd.org/education/",
        "en": (
            "OECD Directorate for Education and Skills",
            "International research on school leadership.",
        ),
        "ko": ("OECD 교육기술국", "학교 리더십에 관한 국제 연구를 수행합니다."),
    },
]

FAQ = {
    "en": {
        "title": "Questions and answers",
        "slug": "faq",
        "search_description": "Answers to common questions about applying and taking part.",
        "intro": "Answers to the questions applicants and coordinators ask most often.",
        "body": [
            (
                "accordion",
                {
                    "heading": "Applying",
                    "items": [
                        {
                            "question": "Who can apply?",
                            "answer": "<p>Principals, vice-principals, lead teachers and education officials nominated by a participating economy.</p>",
                        },
                        {
                            "question": "Which documents do I need?",
                            "answer": "<p>A CV (PDF or Word), a motivation essay written in the form, and an endorsement letter (PDF) from your ministry or education office.</p>",
                        },
                        {
                            "question": "In which time zone is the deadline?",
                            "answer": "<p>The call states the deadline in Korean time and shows it in your own time zone as well. The form closes at that moment.</p>",
                        },
                    ],
                },
            ),
            (
                "accordion",
                {
                    "heading": "Taking part",
                    "items": [
                        {
                            "question": "What does it cost?",
                            "answer": "<p>The programme covers the workshop, accommodation and local travel in Korea. Economies usually cover international flights.</p>",
                        },
                        {
                            "question": "Do I receive a certificate?",
                            "answer": "<p>Yes. Participants who complete the three stages receive a certificate that anyone can verify online.</p>",
                        },
                    ],
                },
            ),
        ],
    },
    "ko": {
        "title": "자주 묻는 질문",
        "search_description": "지원과 참여에 관해 자주 묻는 질문에 답합니다.",
        "intro": "지원자와 담당자가 가장 자주 묻는 질문에 대한 답변입니다.",
        "body": [
            (
                "accordion",
                {
                    "heading": "지원하기",
                    "items": [
                        {
                            "question": "누가 지원할 수 있나요?",
                            "answer": "<p>참여 경제체가 추천한 교장, 교감, 선도 교사, 교육 행정가가 지원할 수 있습니다.</p>",
                        },
                        {
                            "question": "어떤 서류가 필요한가요?",
                            "answer": "<p>이력서(PDF 또는 워드), 지원서 양식에 작성하는 지원 동기 에세이, 그리고 교육부나 교육청의 추천서(PDF)가 필요합니다.</p>",
                        },
                        {
                            "question": "마감 시각은 어느 시간대 기준인가요?",
                            "answer": "<p>모집 공고는 한국 시간으로 마감 시각을 안내하며, 지원자의 시간대로도 함께 보여 줍니다. 지원서는 그 시각에 마감됩니다.</p>",
                        },
                    ],
                },
            ),
            (
                "accordion",
                {
                    "heading": "참여하기",
                    "items": [
                        {
                            "question": "비용이 드나요?",
                            "answer": "<p>프로그램이 한국에서의 워크숍, 숙박, 현지 이동을 지원합니다. 국제선 항공료는 보통 각 경제체가 부담합니다.</p>",
                        },
                        {
                            "question": "수료증을 받을 수 있나요?",
                            "answer": "<p>네. 세 단계를 모두 마친 참가자는 누구나 온라인으로 진위를 확인할 수 있는 수료증을 받습니다.</p>",
                        },
                    ],
                },
            ),
        ],
    },
}

SITE_SETTINGS = {
    "organization": "Institute for APEC Collaborative Education",
    "contact_email": "aslp@aslp.example.org",
    "contact_phone": "+82 2 555 0100",
    "address": "Seoul\nRepublic of Korea",
    "youtube_url": "https://www.youtube.com/",
    "facebook_url": "https://www.facebook.com/",
}
