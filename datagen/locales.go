package datagen

import "math/rand/v2"

// locale is a language and country an organization is named in.
type locale struct {
	country  string
	timeZone string
	currency string
	// syllables make a coined brand word, so that most names are
	// distinctive the way real company names are.
	syllables []string
	// joined: the brand, industry and legal form are written without
	// spaces (Chinese, Japanese).
	joined bool
	// legalFirst: the legal form comes before the name (ООО, 株式会社,
	// شركة, 주식회사).
	legalFirst bool
	industries []string
	legal      []string
	given      []string
	family     []string
	cities     []string
	streets    []string
	postal     func(r *rand.Rand) string
	// fullWidth: the name is written in full-width forms, as an East Asian
	// keyboard types Latin letters.
	fullWidth bool
}

// Tags is the vocabulary buyer tags are drawn from, in the spelling the
// generator sets them.
var Tags = []string{
	"VIP", "Reseller", "Enterprise", "SMB", "Partner", "Wholesale", "Trial",
	"Government", "Healthcare", "Education", "Retail", "Finance", "Priority",
	"EMEA", "APAC", "Americas",
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func fiveDigits(r *rand.Rand) string { return digits(r, 5) }

var latinSyllables = []string{
	"vel", "mor", "an", "tri", "kor", "lux", "ben", "dra", "sol", "ix", "ta", "ro",
	"qu", "ar", "mi", "zen", "pha", "ly", "nor", "cas", "el", "vi", "ton", "ga",
}

var english = locale{
	country: "GB", timeZone: "Europe/London", currency: "GBP",
	syllables: latinSyllables,
	industries: []string{
		"Telecom", "Logistics", "Systems", "Networks", "Holdings", "Solutions", "Media",
		"Energy", "Foods", "Partners", "Labs", "Analytics", "Health", "Capital", "Retail", "Cloud",
	},
	legal:   []string{"Ltd", "Inc", "LLC", "plc", "Group"},
	given:   []string{"Olivia", "James", "Amelia", "Noah", "Isla", "Jack", "Ava", "Harry"},
	family:  []string{"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "O'Neil"},
	cities:  []string{"London", "Manchester", "Leeds", "Bristol", "Glasgow"},
	streets: []string{"High Street", "Station Road", "Church Lane", "Victoria Road"},
	postal: func(r *rand.Rand) string {
		return string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + digits(r, 1) + " " + digits(r, 1) + "AB"
	},
}

var locales = []locale{
	english,
	{
		country: "US", timeZone: "America/New_York", currency: "USD",
		syllables:  latinSyllables,
		industries: english.industries,
		legal:      []string{"Inc", "LLC", "Corp", "Co"},
		given:      []string{"Emma", "Liam", "Sophia", "Mason", "Mia", "Ethan"},
		family:     []string{"Johnson", "Williams", "Miller", "Davis", "Garcia", "Martinez"},
		cities:     []string{"New York", "Boston", "Chicago", "Austin", "Seattle"},
		streets:    []string{"Main Street", "Broadway", "Elm Street", "5th Avenue"},
		postal:     fiveDigits,
	},
	{
		country: "FR", timeZone: "Europe/Paris", currency: "EUR",
		syllables:  []string{"bé", "ro", "lé", "ma", "çon", "ri", "vé", "nu", "la", "gè", "to", "mé"},
		industries: []string{"Télécom", "Électricité", "Réseaux", "Bâtiment", "Hôtellerie", "Création", "Génie Civil", "Agroalimentaire"},
		legal:      []string{"SARL", "SA", "SAS"},
		given:      []string{"Hélène", "François", "Zoé", "Chloé", "Jérôme", "Noël"},
		family:     []string{"Lefèvre", "Dupré", "Moreau", "Gérard", "Bélanger", "Fabre"},
		cities:     []string{"Paris", "Lyon", "Marseille", "Besançon", "Orléans"},
		streets:    []string{"rue de la Paix", "avenue Foch", "boulevard Saint-Michel", "rue du Général-Leclerc"},
		postal:     fiveDigits,
	},
	{
		country: "ES", timeZone: "Europe/Madrid", currency: "EUR",
		syllables:  []string{"ña", "ro", "cas", "te", "lo", "mi", "gua", "sol", "rí", "ba", "ón", "ca"},
		industries: []string{"Comunicaciones", "Señales", "Energía", "Construcción", "Distribución", "Logística"},
		legal:      []string{"S.L.", "S.A."},
		given:      []string{"José", "María", "Íñigo", "Lucía", "Begoña", "Andrés"},
		family:     []string{"Muñoz", "García", "Núñez", "Pérez", "Ibáñez", "Sánchez"},
		cities:     []string{"Madrid", "Barcelona", "Sevilla", "Málaga", "A Coruña"},
		streets:    []string{"Calle Mayor", "Gran Vía", "Avenida de América", "Paseo de Gracia"},
		postal:     fiveDigits,
	},
	{
		country: "PL", timeZone: "Europe/Warsaw", currency: "PLN",
		syllables:  []string{"łu", "ko", "wa", "ż", "ni", "sz", "ew", "ró", "ja", "cz", "mi", "ka"},
		industries: []string{"Łączność", "Usługi", "Żegluga", "Środowisko", "Budownictwo", "Energetyka"},
		legal:      []string{"Sp. z o.o.", "S.A."},
		given:      []string{"Łukasz", "Małgorzata", "Paweł", "Zofia", "Jędrzej", "Agnieszka"},
		family:     []string{"Wiśniewski", "Wójcik", "Kowalczyk", "Zieliński", "Dąbrowska", "Król"},
		cities:     []string{"Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk"},
		streets:    []string{"ul. Marszałkowska", "ul. Długa", "al. Jerozolimskie", "ul. Świętokrzyska"},
		postal:     func(r *rand.Rand) string { return digits(r, 2) + "-" + digits(r, 3) },
	},
	{
		country: "TR", timeZone: "Europe/Istanbul", currency: "TRY",
		syllables:  []string{"ay", "dı", "şe", "gül", "ka", "ya", "öz", "tür", "ba", "çe", "li", "ğa"},
		industries: []string{"İletişim", "Yazılım", "Şebeke", "Dağıtım", "Enerji", "Lojistik"},
		legal:      []string{"A.Ş.", "Ltd. Şti."},
		given:      []string{"Ayşe", "Mehmet", "Çağla", "İbrahim", "Şule", "Gökhan"},
		family:     []string{"Yılmaz", "Öztürk", "Çelik", "Şahin", "Doğan", "Kılıç"},
		cities:     []string{"İstanbul", "Ankara", "İzmir", "Bursa", "Eskişehir"},
		streets:    []string{"İstiklal Caddesi", "Atatürk Bulvarı", "Bağdat Caddesi"},
		postal:     fiveDigits,
	},
	{
		country: "DE", timeZone: "Europe/Berlin", currency: "EUR",
		syllables: []string{"grü", "ner", "hei", "ß", "bau", "mü", "ler", "stra", "wald", "feld", "berg", "bach"},
		industries: []string{
			"Straßenbau", "Großhandel", "Fernmeldetechnik", "Bäckerei", "Maschinenbau",
			"Süßwaren", "Außendienst", "Schließtechnik", "Nachrichtentechnik",
		},
		legal:   []string{"GmbH", "AG", "KG", "GmbH & Co. KG"},
		given:   []string{"Jürgen", "Günther", "Bärbel", "Jörg", "Käthe", "Matthias"},
		family:  []string{"Müller", "Schröder", "Weiß", "Groß", "Köhler", "Strauß"},
		cities:  []string{"Berlin", "München", "Köln", "Düsseldorf", "Nürnberg"},
		streets: []string{"Hauptstraße", "Schloßallee", "Bahnhofstraße", "Am Großen Wannsee"},
		postal:  fiveDigits,
	},
	{
		country: "RU", timeZone: "Europe/Moscow", currency: "RUB",
		syllables:  []string{"вол", "га", "ст", "рой", "тех", "ком", "нор", "ва", "ли", "ра", "ми", "ко"},
		legalFirst: true,
		industries: []string{"Телеком", "Связь", "Строй", "Логистика", "Энерго", "Системы", "Технологии", "Сервис"},
		legal:      []string{"ООО", "АО", "ПАО"},
		given:      []string{"Иван", "Ольга", "Дмитрий", "Татьяна", "Сергей", "Наталья"},
		family:     []string{"Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева"},
		cities:     []string{"Москва", "Санкт-Петербург", "Казань", "Новосибирск"},
		streets:    []string{"ул. Тверская", "Невский проспект", "ул. Ленина", "ул. Баумана"},
		postal:     func(r *rand.Rand) string { return digits(r, 6) },
	},
	{
		country: "GR", timeZone: "Europe/Athens", currency: "EUR",
		syllables:  []string{"αλ", "φα", "ζε", "τα", "ολ", "υμ", "πος", "κα", "λη", "ρος", "νι", "κη"},
		industries: []string{"Τηλεπικοινωνίες", "Ενέργεια", "Δίκτυα", "Εμπόριο", "Ναυτιλία", "Λογισμικό"},
		legal:      []string{"Α.Ε.", "Ε.Π.Ε."},
		given:      []string{"Γιώργος", "Ελένη", "Νίκος", "Μαρία", "Κώστας", "Σοφία"},
		family:     []string{"Παπαδόπουλος", "Νικολάου", "Γεωργίου", "Οικονόμου", "Δημητρίου"},
		cities:     []string{"Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο"},
		streets:    []string{"Οδός Ερμού", "Λεωφόρος Συγγρού", "Οδός Πανεπιστημίου"},
		postal:     func(r *rand.Rand) string { return digits(r, 3) + " " + digits(r, 2) },
	},
	{
		country: "CN", timeZone: "Asia/Shanghai", currency: "CNY",
		joined: true,
		syllables: []string{
			"华", "科", "通", "信", "网", "电", "数", "云", "联", "达", "星", "光", "海", "天",
			"新", "中", "宏", "泰", "安", "盛", "鑫", "源", "博", "创", "智", "汇",
		},
		industries: []string{"科技", "通信", "网络", "电子", "信息", "物流", "能源", "软件"},
		legal:      []string{"有限公司", "股份有限公司", "集团"},
		given:      []string{"伟", "娜", "敏", "静", "磊", "洋"},
		family:     []string{"王", "李", "张", "刘", "陈", "杨"},
		cities:     []string{"北京", "上海", "深圳", "杭州", "成都"},
		streets:    []string{"长安街", "南京路", "人民路", "解放路"},
		postal:     func(r *rand.Rand) string { return digits(r, 6) },
	},
	{
		country: "JP", timeZone: "Asia/Tokyo", currency: "JPY",
		joined: true, legalFirst: true,
		syllables:  []string{"テ", "レ", "コ", "ム", "サ", "ク", "ラ", "ミ", "ナ", "ト", "ヒ", "カ", "リ", "ス", "ノ"},
		industries: []string{"通信", "電機", "商事", "物産", "技研", "システム", "ネットワーク"},
		legal:      []string{"株式会社", "合同会社"},
		given:      []string{"花子", "太郎", "陽菜", "蓮", "結衣", "大翔"},
		family:     []string{"佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"},
		cities:     []string{"東京", "大阪", "横浜", "名古屋", "札幌"},
		streets:    []string{"銀座", "丸の内", "梅田", "栄"},
		postal:     func(r *rand.Rand) string { return digits(r, 3) + "-" + digits(r, 4) },
	},
	{
		country: "KR", timeZone: "Asia/Seoul", currency: "KRW",
		legalFirst: true,
		syllables:  []string{"한", "빛", "새", "누", "리", "가", "온", "다", "솔", "미", "래", "별"},
		industries: []string{"통신", "전자", "네트웍스", "테크", "물산", "에너지"},
		legal:      []string{"주식회사", "유한회사"},
		given:      []string{"민준", "서연", "지호", "하은", "도윤", "지우"},
		family:     []string{"김", "이", "박", "최", "정", "강"},
		cities:     []string{"서울", "부산", "인천", "대구", "대전"},
		streets:    []string{"세종대로", "테헤란로", "강남대로", "을지로"},
		postal:     fiveDigits,
	},
	{
		country: "AE", timeZone: "Asia/Dubai", currency: "AED",
		legalFirst: true,
		syllables:  []string{"النور", "الأمل", "الخليج", "الوطنية", "المستقبل", "الريادة", "السلام", "الفجر", "الواحة", "الرؤية"},
		industries: []string{"للاتصالات", "للشبكات", "للتقنية", "للطاقة", "للتجارة", "للخدمات الرقمية"},
		legal:      []string{"شركة", "مجموعة", "مؤسسة"},
		given:      []string{"محمد", "فاطمة", "أحمد", "مريم", "خالد", "نورة"},
		family:     []string{"الهاشمي", "المنصوري", "الشامسي", "الكعبي", "النعيمي"},
		cities:     []string{"دبي", "أبوظبي", "الشارقة", "العين"},
		streets:    []string{"شارع الشيخ زايد", "شارع الوصل", "شارع حمدان"},
		postal:     fiveDigits,
	},
	{
		// Latin typed in full-width forms: search folds it to ASCII, so
		// "ＡＣＭＥ" and "acme" find each other.
		country: "JP", timeZone: "Asia/Tokyo", currency: "JPY",
		fullWidth:  true,
		syllables:  latinSyllables,
		industries: english.industries,
		legal:      []string{"KK", "Ltd", "Inc"},
		given:      []string{"Hanako", "Taro", "Yui", "Ren"},
		family:     []string{"Sato", "Suzuki", "Takahashi", "Tanaka"},
		cities:     []string{"Tokyo", "Osaka", "Yokohama"},
		streets:    []string{"Ginza", "Marunouchi", "Umeda"},
		postal:     func(r *rand.Rand) string { return digits(r, 3) + "-" + digits(r, 4) },
	},
}

// localeWeights is how often each locale is picked, in parts per 100, in
// the order of locales.
var localeWeights = []int{22, 10, 7, 6, 4, 4, 12, 9, 4, 7, 5, 4, 4, 2}
