// Every string the portal shows, in French and Arabic, and the language in use: chosen by the
// person (kept in localStorage), else their preferred language once known, else the browser's.
// The page's `lang` and `dir` follow the language; nothing else in the portal holds a sentence.

export const LANGUAGES = ['fr', 'ar'];
const STORAGE_KEY = 'himaya.language';

export const MESSAGES = {
  fr: {
    'app.name': 'Himaya',
    'app.tagline': 'Votre couverture médicale',
    'app.logo': 'Himaya, bouclier vert',
    'app.skip': 'Aller au contenu',
    'app.loading': 'Chargement…',
    'app.footer': 'Himaya — assurance maladie obligatoire',
    'lang.switch': 'العربية',
    'lang.switch_label': 'Afficher le portail en arabe',
    'nav.label': 'Menu principal',
    'nav.home': 'Accueil',
    'nav.family': 'Ma famille',
    'nav.claims': 'Mes remboursements',
    'nav.logout': 'Se déconnecter',

    'field.registration_number': "Numéro d'immatriculation",
    'field.registration_number.hint': '9 chiffres, sur le SMS reçu',
    'field.code': 'Code reçu par SMS',
    'field.code.hint': 'Par exemple ABCD-1234',
    'field.password': 'Mot de passe',
    'field.new_password': 'Nouveau mot de passe',
    'field.new_password.hint': 'De 12 à 128 caractères',
    'field.password_again': 'Le même mot de passe, une seconde fois',
    'field.relationship': 'Lien de parenté',
    'field.first_name': 'Prénom',
    'field.last_name': 'Nom',
    'field.birth_date': 'Date de naissance',
    'field.sex': 'Sexe',
    'field.cin': "Numéro de CIN (s'il en a une)",
    'field.studying_until': 'Fin des études déclarée (enfant de 21 à 26 ans)',
    'field.disabled': 'En situation de handicap',
    'field.reason': 'Motif',
    'field.end_date': 'Dernier jour couvert',
    'field.beneficiary_id': 'Personne soignée',
    'field.act_code': "Code de l'acte",
    'field.act_code.hint': 'Par exemple C pour une consultation',
    'field.care_date': 'Date des soins',
    'field.quantity': 'Quantité',
    'field.amount_paid': 'Montant payé (dirhams)',
    'field.amount_paid.hint': 'Par exemple 150,00',
    'field.filed_date': 'Date du dépôt',
    'field.program': 'Régime',
    'field.items': 'Actes',
    'field.idempotency_key': 'Envoi',
    'field.item_n': 'Acte {n}',

    'option.choose': '— Choisir —',
    'relationship.RELATIONSHIP_INSURED': 'Assuré(e)',
    'relationship.RELATIONSHIP_SPOUSE': 'Conjoint(e)',
    'relationship.RELATIONSHIP_CHILD': 'Enfant',
    'sex.M': 'Masculin',
    'sex.F': 'Féminin',
    'removal.DIVORCE': 'Divorce',
    'removal.DEATH': 'Décès',
    'removal.DECLARED_IN_ERROR': 'Déclaré par erreur',
    'removal.OWN_COVERAGE': 'A sa propre couverture',
    'removal.OTHER': 'Autre motif',

    'activate.title': 'Activer mon compte',
    'activate.intro': "Saisissez votre numéro d'immatriculation, le code reçu par SMS et choisissez un mot de passe.",
    'activate.submit': 'Activer mon compte',
    'activate.done': 'Votre compte est activé. Vous pouvez vous connecter.',
    'activate.mismatch': 'Les deux mots de passe ne sont pas identiques.',
    'activate.have_account': "J'ai déjà un compte : me connecter",
    'activate.no_code': "Je n'ai pas reçu de code",

    'login.title': 'Me connecter',
    'login.submit': 'Me connecter',
    'login.activate': 'Première visite : activer mon compte',
    'login.resend': 'Recevoir un nouveau code par SMS',
    'login.signed_out': 'Vous êtes déconnecté(e).',
    'login.expired': 'Votre session a pris fin. Connectez-vous de nouveau.',

    'resend.title': 'Recevoir un nouveau code',
    'resend.intro': "Un nouveau code d'activation sera envoyé par SMS au numéro de téléphone connu de la caisse.",
    'resend.submit': 'Envoyer le code',
    'resend.done': "Si ce numéro correspond à un compte à activer, un SMS vient d'être envoyé.",
    'resend.back': "Retour à l'activation",

    'home.title': 'Ma couverture',
    'home.welcome': 'Bonjour {name}',
    'home.number': "Numéro d'immatriculation : {number}",
    'home.covered': "Vous êtes couvert(e) aujourd'hui.",
    'home.covered_until': "Vous êtes couvert(e) aujourd'hui, jusqu'au {date}.",
    'home.not_covered': "Vous n'êtes pas couvert(e) aujourd'hui : {reason}",
    'home.certificate': "Télécharger mon attestation d'immatriculation (PDF)",
    'home.family_title': 'Ma famille',
    'home.claims_link': 'Déposer ou suivre un remboursement',

    'coverage.NOT_REGISTERED': 'personne inconnue de la caisse',
    'coverage.NOT_YET_COVERED': 'la couverture n’a pas encore commencé',
    'coverage.AGE_LIMIT': "limite d'âge atteinte",
    'coverage.STUDIES_ENDED': 'les études déclarées sont terminées',
    'coverage.REMOVED': 'retiré(e) de la famille',
    'coverage.INSURED_NOT_COVERED': "l'assuré(e) n'est pas couvert(e)",
    'coverage.DETAILS_PENDING': 'informations en cours de vérification',
    'coverage.OTHER': 'raison non précisée',

    'family.title': 'Ma famille',
    'family.empty': "Personne n'est déclaré dans votre famille.",
    'family.caption': 'Les membres de votre famille et leur couverture',
    'family.col.name': 'Nom',
    'family.col.relationship': 'Lien',
    'family.col.birth_date': 'Naissance',
    'family.col.coverage': "Couverture aujourd'hui",
    'family.col.actions': 'Actions',
    'family.covered': 'Couvert(e)',
    'family.not_covered': 'Non couvert(e) : {reason}',
    'family.declare': 'Déclarer un enfant ou un conjoint',
    'family.remove': 'Retirer {name}',
    'family.declare_title': 'Déclarer un membre de ma famille',
    'family.declare_submit': 'Déclarer',
    'family.declared': '{name} est déclaré(e) et couvert(e) à partir du {date}.',
    'family.remove_title': 'Retirer {name} de ma famille',
    'family.remove_submit': 'Retirer',
    'family.removed': '{name} est retiré(e) ; dernier jour couvert : {date}.',
    'family.back': 'Retour à ma famille',

    'claims.title': 'Mes remboursements',
    'claims.empty': "Vous n'avez déposé aucune demande de remboursement.",
    'claims.caption': 'Vos demandes, les plus récentes en premier',
    'claims.col.claim': 'Dossier',
    'claims.col.filed': 'Déposé le',
    'claims.col.state': 'État',
    'claims.col.claimed': 'Demandé',
    'claims.col.reimbursed': 'Remboursé',
    'claims.new': 'Déposer une demande de remboursement',
    'claims.more': 'Afficher les demandes plus anciennes',
    'claims.new_title': 'Nouvelle demande de remboursement',
    'claims.add_item': 'Ajouter un acte',
    'claims.remove_item': "Retirer l'acte {n}",
    'claims.submit': 'Envoyer la demande',
    'claims.sending': 'Envoi en cours…',
    'claims.filed': 'Votre demande {id} est enregistrée.',
    'claims.detail_title': 'Dossier {id}',
    'claims.detail_state': 'État : {state}',
    'claims.detail_outcome': 'Décision : {outcome}',
    'claims.detail_amounts': 'Demandé : {claimed} — remboursé : {reimbursed}',
    'claims.detail_waiting': 'La décision arrive dans quelques instants ; cette page se met à jour.',
    'claims.items_caption': 'Les actes du dossier et leur décision',
    'claims.col.item': 'Acte',
    'claims.col.beneficiary': 'Personne',
    'claims.col.care_date': 'Date',
    'claims.col.outcome': 'Décision',
    'claims.col.reason': 'Motif',
    'claims.back': 'Retour à mes remboursements',
    'claims.refresh': 'Actualiser',

    'state.RECEIVED': 'Reçu, en cours de traitement',
    'state.IN_REVIEW': 'En cours de vérification par un agent',
    'state.DECIDED': 'Décidé',
    'state.IN_PAYMENT': 'En cours de paiement',
    'state.PAID': 'Payé',
    'outcome.ACCEPTED': 'Accepté',
    'outcome.PARTIAL': 'Accepté en partie',
    'outcome.REJECTED': 'Refusé',
    'outcome.PENDING': 'En attente',
    'reason.NOT_COVERED': "la personne n'était pas couverte ce jour-là",
    'reason.UNKNOWN_ACT': "code d'acte inconnu",
    'reason.ACT_NOT_IN_TARIFF': 'acte absent du tarif à cette date',
    'reason.QUANTITY_OVER_MAXIMUM': 'quantité supérieure au maximum remboursé',
    'reason.REPEATED_TOO_SOON': 'acte répété trop tôt',
    'reason.DUPLICATE': 'déjà demandé pour ce jour',
    'reason.FILED_TOO_LATE': 'demande déposée trop tard',
    'reason.INVALID_ROW': 'ligne invalide',
    'reason.REJECTED_BY_AGENT': 'refusé par un agent',
    'reason.OTHER': 'motif non précisé',

    'error.title': 'La demande n’a pas abouti',
    'error.field': '{field} : {text}',
    'error.request_id': 'Référence : {id}',
    'error.INVALID_ARGUMENT': 'cette valeur n’est pas acceptée.',
    'error.FAILED_PRECONDITION': "cette opération n'est pas possible pour le moment.",
    'error.UNAUTHENTICATED': 'Veuillez vous connecter.',
    'error.PERMISSION_DENIED': "Vous n'avez pas accès à cette opération.",
    'error.NOT_FOUND': 'Introuvable.',
    'error.ALREADY_EXISTS': 'Cela existe déjà.',
    'error.ABORTED': 'Conflit : veuillez réessayer.',
    'error.RESOURCE_EXHAUSTED': 'Trop de tentatives. Réessayez dans {seconds} secondes.',
    'error.DEADLINE_EXCEEDED': 'Le service met trop de temps à répondre. Réessayez.',
    'error.UNAVAILABLE': 'Le service est momentanément indisponible. Réessayez.',
    'error.INTERNAL': 'Une erreur est survenue de notre côté.',
    'error.NETWORK': 'Pas de connexion au service. Vérifiez votre connexion internet.',
    'error.UNKNOWN': 'Une erreur inattendue est survenue.',
    'error.INVALID_CREDENTIALS': "Numéro d'immatriculation ou mot de passe incorrect.",
    'error.ACCOUNT_LOCKED': 'Trop de tentatives : compte bloqué pendant {seconds} secondes.',
    'error.WRONG_CODE': 'Ce code est incorrect.',
    'error.CODE_UNUSABLE':
      "Ce code n'est plus valable (expiré, déjà utilisé ou trop d'essais). Demandez un nouveau code.",
    'error.REQUIRED': 'ce champ est obligatoire.',
    'error.AMOUNT_FORMAT': 'un montant en dirhams, par exemple 150,00.',
    'error.IDEMPOTENCY_KEY_REUSED': 'Cette demande a déjà été envoyée avec d’autres actes.',
    'error.CLAIM_ID_TAKEN': 'Ce numéro de dossier est déjà utilisé.',
    'error.SPOUSE_LIMIT': 'Le nombre de conjoints couverts est atteint.',
    'error.SPOUSE_UNDERAGE': "Le conjoint n'a pas l'âge requis.",
    'error.CHILD_AGE_LIMIT': "L'enfant a dépassé la limite d'âge.",
    'error.STUDIES_ENDED': 'La fin des études déclarée est déjà passée.',
    'error.STUDIES_FOR_CHILD_ONLY': 'La fin des études ne se déclare que pour un enfant.',
    'error.BIRTH_DATE_IN_FUTURE': 'La date de naissance est dans le futur.',
    'error.BIRTH_DATE_TOO_OLD': 'La date de naissance est trop ancienne.',
    'error.ALREADY_DECLARED': 'Cette personne est déjà déclarée.',
    'error.DIRECTLY_INSURED': 'Cette personne est assurée elle-même : elle ne peut pas être déclarée.',
    'error.ALREADY_DEPENDENT': 'Cette personne est déjà déclarée dans une autre famille.',
    'error.END_BEFORE_START': 'Le dernier jour couvert est avant le début de la couverture.',
    'error.NOT_COVERED': "Cette personne n'est plus couverte.",
    'error.REASON_REQUIRED': 'Choisissez un motif.',
    'error.REASON_UNKNOWN': 'Ce motif est inconnu.',
    'error.INVALID_RELATIONSHIP': 'Seul un conjoint ou un enfant peut être déclaré.',
    'home.payment_link': 'Mon mode de paiement (cotisations et allocations)',
    'payment.title': 'Mode de paiement',
    'payment.intro':
      'Pour payer vos cotisations et recevoir vos allocations : un virement sur votre compte bancaire (RIB) ou un portefeuille mobile.',
    'payment.current': 'Mode actuel',
    'payment.none': "Vous n'avez pas encore choisi de mode de paiement.",
    'payment.chosen_on': 'Choisi le {date}',
    'payment.choose_title': 'Choisir un mode de paiement',
    'payment.submit': 'Enregistrer ce mode de paiement',
    'payment.saved': 'Mode de paiement enregistré : {account}.',
    'payment.PAYMENT_METHOD_BANK_TRANSFER': 'Virement bancaire (RIB)',
    'payment.PAYMENT_METHOD_MOBILE_WALLET': 'Portefeuille mobile',
    'field.method': 'Mode de paiement',
    'field.account': 'Compte',
    'field.rib': 'RIB (24 chiffres)',
    'field.rib.hint': 'Banque, ville, compte et clé ; les espaces sont acceptés',
    'field.wallet_phone': 'Numéro du portefeuille mobile',
    'field.wallet_phone.hint': 'Par exemple 0612345678',
    'error.RIB_LENGTH': 'un RIB compte 24 chiffres.',
    'error.RIB_DIGITS': 'un RIB ne contient que des chiffres.',
    'error.RIB_KEY': 'la clé du RIB (les deux derniers chiffres) ne correspond pas au compte : vérifiez le numéro.',
    'error.WALLET_PHONE': 'un numéro de mobile marocain : 06 ou 07 suivi de 8 chiffres.',
    'error.METHOD': 'choisissez un virement bancaire ou un portefeuille mobile.',
  },
  ar: {
    'app.name': 'حماية',
    'app.tagline': 'تغطيتك الصحية',
    'app.logo': 'حماية، درع أخضر',
    'app.skip': 'الانتقال إلى المحتوى',
    'app.loading': 'جار التحميل…',
    'app.footer': 'حماية — التأمين الإجباري عن المرض',
    'lang.switch': 'Français',
    'lang.switch_label': 'عرض البوابة بالفرنسية',
    'nav.label': 'القائمة الرئيسية',
    'nav.home': 'الرئيسية',
    'nav.family': 'أسرتي',
    'nav.claims': 'استرداد المصاريف',
    'nav.logout': 'تسجيل الخروج',

    'field.registration_number': 'رقم التسجيل',
    'field.registration_number.hint': '9 أرقام، في الرسالة القصيرة التي توصلتم بها',
    'field.code': 'الرمز المتوصل به عبر رسالة قصيرة',
    'field.code.hint': 'مثلا ABCD-1234',
    'field.password': 'كلمة المرور',
    'field.new_password': 'كلمة مرور جديدة',
    'field.new_password.hint': 'من 12 إلى 128 حرفا',
    'field.password_again': 'كلمة المرور نفسها مرة ثانية',
    'field.relationship': 'صلة القرابة',
    'field.first_name': 'الاسم الشخصي',
    'field.last_name': 'الاسم العائلي',
    'field.birth_date': 'تاريخ الازدياد',
    'field.sex': 'الجنس',
    'field.cin': 'رقم البطاقة الوطنية (إن وجدت)',
    'field.studying_until': 'تاريخ نهاية الدراسة المصرح به (طفل من 21 إلى 26 سنة)',
    'field.disabled': 'في وضعية إعاقة',
    'field.reason': 'السبب',
    'field.end_date': 'آخر يوم مغطى',
    'field.beneficiary_id': 'الشخص المعالج',
    'field.act_code': 'رمز العمل الطبي',
    'field.act_code.hint': 'مثلا C للاستشارة',
    'field.care_date': 'تاريخ العلاج',
    'field.quantity': 'الكمية',
    'field.amount_paid': 'المبلغ المؤدى (بالدرهم)',
    'field.amount_paid.hint': 'مثلا 150,00',
    'field.filed_date': 'تاريخ الإيداع',
    'field.program': 'النظام',
    'field.items': 'الأعمال الطبية',
    'field.idempotency_key': 'الإرسال',
    'field.item_n': 'العمل الطبي {n}',

    'option.choose': '— اختر —',
    'relationship.RELATIONSHIP_INSURED': 'المؤمن(ة)',
    'relationship.RELATIONSHIP_SPOUSE': 'الزوج(ة)',
    'relationship.RELATIONSHIP_CHILD': 'طفل(ة)',
    'sex.M': 'ذكر',
    'sex.F': 'أنثى',
    'removal.DIVORCE': 'طلاق',
    'removal.DEATH': 'وفاة',
    'removal.DECLARED_IN_ERROR': 'تصريح عن طريق الخطأ',
    'removal.OWN_COVERAGE': 'له تغطية خاصة به',
    'removal.OTHER': 'سبب آخر',

    'activate.title': 'تفعيل حسابي',
    'activate.intro': 'أدخلوا رقم التسجيل والرمز المتوصل به عبر رسالة قصيرة، ثم اختاروا كلمة مرور.',
    'activate.submit': 'تفعيل حسابي',
    'activate.done': 'تم تفعيل حسابكم. يمكنكم الآن تسجيل الدخول.',
    'activate.mismatch': 'كلمتا المرور غير متطابقتين.',
    'activate.have_account': 'لدي حساب: تسجيل الدخول',
    'activate.no_code': 'لم أتوصل بأي رمز',

    'login.title': 'تسجيل الدخول',
    'login.submit': 'تسجيل الدخول',
    'login.activate': 'الزيارة الأولى: تفعيل حسابي',
    'login.resend': 'التوصل برمز جديد عبر رسالة قصيرة',
    'login.signed_out': 'تم تسجيل خروجكم.',
    'login.expired': 'انتهت جلستكم. المرجو تسجيل الدخول من جديد.',

    'resend.title': 'التوصل برمز جديد',
    'resend.intro': 'سيرسل رمز تفعيل جديد عبر رسالة قصيرة إلى رقم الهاتف المعروف لدى الصندوق.',
    'resend.submit': 'إرسال الرمز',
    'resend.done': 'إذا كان هذا الرقم يخص حسابا في انتظار التفعيل، فقد أرسلت رسالة قصيرة الآن.',
    'resend.back': 'العودة إلى التفعيل',

    'home.title': 'تغطيتي',
    'home.welcome': 'مرحبا {name}',
    'home.number': 'رقم التسجيل: {number}',
    'home.covered': 'أنتم مغطون اليوم.',
    'home.covered_until': 'أنتم مغطون اليوم، إلى غاية {date}.',
    'home.not_covered': 'لستم مغطين اليوم: {reason}',
    'home.certificate': 'تحميل شهادة التسجيل (PDF)',
    'home.family_title': 'أسرتي',
    'home.claims_link': 'إيداع أو تتبع طلب استرداد',

    'coverage.NOT_REGISTERED': 'شخص غير معروف لدى الصندوق',
    'coverage.NOT_YET_COVERED': 'لم تبدأ التغطية بعد',
    'coverage.AGE_LIMIT': 'تم بلوغ حد السن',
    'coverage.STUDIES_ENDED': 'انتهت الدراسة المصرح بها',
    'coverage.REMOVED': 'تم حذفه من الأسرة',
    'coverage.INSURED_NOT_COVERED': 'المؤمن(ة) غير مغطى',
    'coverage.DETAILS_PENDING': 'المعلومات قيد التحقق',
    'coverage.OTHER': 'سبب غير محدد',

    'family.title': 'أسرتي',
    'family.empty': 'لا أحد مصرح به في أسرتكم.',
    'family.caption': 'أفراد أسرتكم وتغطيتهم',
    'family.col.name': 'الاسم',
    'family.col.relationship': 'القرابة',
    'family.col.birth_date': 'الازدياد',
    'family.col.coverage': 'التغطية اليوم',
    'family.col.actions': 'إجراءات',
    'family.covered': 'مغطى',
    'family.not_covered': 'غير مغطى: {reason}',
    'family.declare': 'التصريح بطفل أو زوج(ة)',
    'family.remove': 'حذف {name}',
    'family.declare_title': 'التصريح بفرد من أسرتي',
    'family.declare_submit': 'تصريح',
    'family.declared': 'تم التصريح بـ {name}، وهو مغطى ابتداء من {date}.',
    'family.remove_title': 'حذف {name} من أسرتي',
    'family.remove_submit': 'حذف',
    'family.removed': 'تم حذف {name}؛ آخر يوم مغطى: {date}.',
    'family.back': 'العودة إلى أسرتي',

    'claims.title': 'استرداد المصاريف',
    'claims.empty': 'لم تودعوا أي طلب استرداد.',
    'claims.caption': 'طلباتكم، الأحدث أولا',
    'claims.col.claim': 'الملف',
    'claims.col.filed': 'تاريخ الإيداع',
    'claims.col.state': 'الحالة',
    'claims.col.claimed': 'المطلوب',
    'claims.col.reimbursed': 'المسترد',
    'claims.new': 'إيداع طلب استرداد',
    'claims.more': 'عرض الطلبات الأقدم',
    'claims.new_title': 'طلب استرداد جديد',
    'claims.add_item': 'إضافة عمل طبي',
    'claims.remove_item': 'حذف العمل الطبي {n}',
    'claims.submit': 'إرسال الطلب',
    'claims.sending': 'جار الإرسال…',
    'claims.filed': 'تم تسجيل طلبكم {id}.',
    'claims.detail_title': 'الملف {id}',
    'claims.detail_state': 'الحالة: {state}',
    'claims.detail_outcome': 'القرار: {outcome}',
    'claims.detail_amounts': 'المطلوب: {claimed} — المسترد: {reimbursed}',
    'claims.detail_waiting': 'سيصدر القرار بعد لحظات؛ ستتحدث هذه الصفحة تلقائيا.',
    'claims.items_caption': 'الأعمال الطبية في الملف والقرار بشأنها',
    'claims.col.item': 'العمل',
    'claims.col.beneficiary': 'الشخص',
    'claims.col.care_date': 'التاريخ',
    'claims.col.outcome': 'القرار',
    'claims.col.reason': 'السبب',
    'claims.back': 'العودة إلى طلبات الاسترداد',
    'claims.refresh': 'تحديث',

    'state.RECEIVED': 'توصلنا به، قيد المعالجة',
    'state.IN_REVIEW': 'قيد التحقق من طرف عون',
    'state.DECIDED': 'تم البت فيه',
    'state.IN_PAYMENT': 'قيد الأداء',
    'state.PAID': 'تم الأداء',
    'outcome.ACCEPTED': 'مقبول',
    'outcome.PARTIAL': 'مقبول جزئيا',
    'outcome.REJECTED': 'مرفوض',
    'outcome.PENDING': 'في الانتظار',
    'reason.NOT_COVERED': 'الشخص لم يكن مغطى في ذلك اليوم',
    'reason.UNKNOWN_ACT': 'رمز عمل طبي غير معروف',
    'reason.ACT_NOT_IN_TARIFF': 'العمل الطبي غير وارد في التعريفة في هذا التاريخ',
    'reason.QUANTITY_OVER_MAXIMUM': 'الكمية تتجاوز الحد الأقصى المسترد',
    'reason.REPEATED_TOO_SOON': 'عمل طبي متكرر قبل الأوان',
    'reason.DUPLICATE': 'سبق طلبه لنفس اليوم',
    'reason.FILED_TOO_LATE': 'أودع الطلب بعد فوات الأجل',
    'reason.INVALID_ROW': 'سطر غير صالح',
    'reason.REJECTED_BY_AGENT': 'رفضه عون',
    'reason.OTHER': 'سبب غير محدد',

    'error.title': 'لم يتم الطلب',
    'error.field': '{field}: {text}',
    'error.request_id': 'المرجع: {id}',
    'error.INVALID_ARGUMENT': 'هذه القيمة غير مقبولة.',
    'error.FAILED_PRECONDITION': 'هذه العملية غير ممكنة حاليا.',
    'error.UNAUTHENTICATED': 'المرجو تسجيل الدخول.',
    'error.PERMISSION_DENIED': 'لا يحق لكم القيام بهذه العملية.',
    'error.NOT_FOUND': 'غير موجود.',
    'error.ALREADY_EXISTS': 'هذا موجود من قبل.',
    'error.ABORTED': 'تعارض: المرجو إعادة المحاولة.',
    'error.RESOURCE_EXHAUSTED': 'محاولات كثيرة. أعيدوا المحاولة بعد {seconds} ثانية.',
    'error.DEADLINE_EXCEEDED': 'الخدمة تتأخر في الرد. أعيدوا المحاولة.',
    'error.UNAVAILABLE': 'الخدمة غير متوفرة مؤقتا. أعيدوا المحاولة.',
    'error.INTERNAL': 'وقع خطأ من جهتنا.',
    'error.NETWORK': 'لا يوجد اتصال بالخدمة. تحققوا من اتصالكم بالإنترنت.',
    'error.UNKNOWN': 'وقع خطأ غير متوقع.',
    'error.INVALID_CREDENTIALS': 'رقم التسجيل أو كلمة المرور غير صحيح.',
    'error.ACCOUNT_LOCKED': 'محاولات كثيرة: الحساب موقوف لمدة {seconds} ثانية.',
    'error.WRONG_CODE': 'هذا الرمز غير صحيح.',
    'error.CODE_UNUSABLE': 'هذا الرمز لم يعد صالحا (انتهت صلاحيته أو استعمل أو كثرت المحاولات). اطلبوا رمزا جديدا.',
    'error.REQUIRED': 'هذه الخانة إجبارية.',
    'error.AMOUNT_FORMAT': 'مبلغ بالدرهم، مثلا 150,00.',
    'error.IDEMPOTENCY_KEY_REUSED': 'سبق إرسال هذا الطلب بأعمال طبية أخرى.',
    'error.CLAIM_ID_TAKEN': 'رقم الملف هذا مستعمل من قبل.',
    'error.SPOUSE_LIMIT': 'تم بلوغ عدد الأزواج المغطين.',
    'error.SPOUSE_UNDERAGE': 'الزوج(ة) لم يبلغ السن المطلوب.',
    'error.CHILD_AGE_LIMIT': 'تجاوز الطفل حد السن.',
    'error.STUDIES_ENDED': 'تاريخ نهاية الدراسة المصرح به قد مضى.',
    'error.STUDIES_FOR_CHILD_ONLY': 'لا يصرح بنهاية الدراسة إلا بالنسبة للطفل.',
    'error.BIRTH_DATE_IN_FUTURE': 'تاريخ الازدياد في المستقبل.',
    'error.BIRTH_DATE_TOO_OLD': 'تاريخ الازدياد قديم جدا.',
    'error.ALREADY_DECLARED': 'هذا الشخص مصرح به من قبل.',
    'error.DIRECTLY_INSURED': 'هذا الشخص مؤمن بنفسه: لا يمكن التصريح به.',
    'error.ALREADY_DEPENDENT': 'هذا الشخص مصرح به في أسرة أخرى.',
    'error.END_BEFORE_START': 'آخر يوم مغطى سابق لبداية التغطية.',
    'error.NOT_COVERED': 'هذا الشخص لم يعد مغطى.',
    'error.REASON_REQUIRED': 'اختاروا سببا.',
    'error.REASON_UNKNOWN': 'هذا السبب غير معروف.',
    'error.INVALID_RELATIONSHIP': 'لا يمكن التصريح إلا بزوج(ة) أو طفل.',
    'home.payment_link': 'طريقة الأداء الخاصة بي (الاشتراكات والتعويضات)',
    'payment.title': 'طريقة الأداء',
    'payment.intro': 'لأداء اشتراكاتكم وتلقي تعويضاتكم: تحويل إلى حسابكم البنكي (RIB) أو محفظة إلكترونية عبر الهاتف.',
    'payment.current': 'الطريقة الحالية',
    'payment.none': 'لم تختاروا بعد طريقة الأداء.',
    'payment.chosen_on': 'تم الاختيار في {date}',
    'payment.choose_title': 'اختيار طريقة الأداء',
    'payment.submit': 'تسجيل طريقة الأداء هذه',
    'payment.saved': 'تم تسجيل طريقة الأداء: {account}.',
    'payment.PAYMENT_METHOD_BANK_TRANSFER': 'تحويل بنكي (RIB)',
    'payment.PAYMENT_METHOD_MOBILE_WALLET': 'محفظة إلكترونية عبر الهاتف',
    'field.method': 'طريقة الأداء',
    'field.account': 'الحساب',
    'field.rib': 'رقم الحساب البنكي RIB (24 رقما)',
    'field.rib.hint': 'البنك والمدينة والحساب والمفتاح؛ يمكن ترك فراغات',
    'field.wallet_phone': 'رقم المحفظة الإلكترونية',
    'field.wallet_phone.hint': 'مثلا 0612345678',
    'error.RIB_LENGTH': 'يتكون رقم RIB من 24 رقما.',
    'error.RIB_DIGITS': 'لا يحتوي رقم RIB إلا على أرقام.',
    'error.RIB_KEY': 'مفتاح RIB (الرقمان الأخيران) لا يطابق الحساب: تحققوا من الرقم.',
    'error.WALLET_PHONE': 'رقم هاتف محمول مغربي: 06 أو 07 متبوعا بثمانية أرقام.',
    'error.METHOD': 'اختاروا تحويلا بنكيا أو محفظة إلكترونية.',
  },
};

let current = 'fr';

// The language to start in: the one chosen before, else the browser's first of fr/ar.
export function initialLanguage(
  storage = globalThis.localStorage,
  navigatorLanguages = globalThis.navigator?.languages,
) {
  const chosen = safeGet(storage);
  if (LANGUAGES.includes(chosen)) return chosen;
  for (const tag of navigatorLanguages || []) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return 'fr';
}

// True when the person chose a language with the switch (their choice beats their profile's).
export function languageChosen(storage = globalThis.localStorage) {
  return LANGUAGES.includes(safeGet(storage));
}

function safeGet(storage) {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function language() {
  return current;
}

// Switches the language; `remember` keeps it for the next visits.
export function setLanguage(lang, { remember = false, storage = globalThis.localStorage } = {}) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  if (remember) {
    try {
      storage?.setItem(STORAGE_KEY, lang);
    } catch {
      // Private browsing: the choice lasts for this page only.
    }
  }
  const root = globalThis.document?.documentElement;
  if (root) {
    root.lang = lang;
    root.dir = lang === 'ar' ? 'rtl' : 'ltr';
  }
}

// The message `key` in the current language, `{name}` replaced from `params`. An unknown key is
// shown as itself (a test checks that every key used exists in both languages).
export function t(key, params = {}) {
  const text = MESSAGES[current][key] ?? MESSAGES.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// True when `key` is in the table (for optional messages: a coverage reason, an error code).
export function has(key) {
  return key in MESSAGES[current];
}

function locale() {
  return current === 'ar' ? 'ar-MA' : 'fr-MA';
}

// A day (YYYY-MM-DD) in words; the text as given when it is not a day.
export function formatDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return day || '';
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

// Centimes (a number or the string proto JSON gives an int64) as dirhams.
export function formatDirhams(centimes) {
  const value = Number(centimes || 0) / 100;
  const number = new Intl.NumberFormat(locale(), {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    numberingSystem: 'latn',
  }).format(value);
  return current === 'ar' ? `${number} درهم` : `${number} DH`;
}
