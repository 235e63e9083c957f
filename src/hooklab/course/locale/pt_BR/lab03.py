"""pt-BR: the checks of lab 03 (lab03.py, hidden/lab03.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "the member for the lead {email!r}": "o membro correspondente ao lead {email!r}",
    "email_address lowercased and stripped; status 'subscribed' only with consent, else 'transactional'; FNAME first "
    "word, LNAME the rest; COMPANY '' when absent; tags [form_id]":
        "email_address em minúsculas e sem espaços nas pontas; status 'subscribed' só com consentimento, senão "
        "'transactional'; FNAME é a primeira palavra, LNAME o resto; COMPANY '' quando não houver; tags [form_id]",
    "names with accents, missing companies and leads without consent all map cleanly":
        "nomes com acento, leads sem empresa e leads sem consentimento: todos mapeados sem tropeço",
    "every lead handled without an error": "todos os leads tratados sem erro",
    "{n} failed: {errors}": ("{n} falhou: {errors}", "{n} falharam: {errors}"),
    "call email_platform.upsert_member(...) with the fields of lead_to_member; look at the error":
        "chame email_platform.upsert_member(...) com os campos de lead_to_member; leia o erro",
    "{email} on the list": "{email} na lista",
    "no such member": "nenhum membro com esse email",
    "upsert the member when the lead gave consent": "faça o upsert do membro quando o lead deu consentimento",
    "the member {email} with the fields of lead_to_member": "o membro {email} com os campos de lead_to_member",
    "pass status, merge_fields and tags to upsert_member": "passe status, merge_fields e tags para upsert_member",
    "no member for {email} (no consent)": "nenhum membro para {email} (sem consentimento)",
    "without consent, a lead must not be put on a marketing list":
        "sem consentimento, um lead não pode entrar numa lista de marketing",
    "consent decides who joins the list; tags and merge fields make them targetable":
        "o consentimento decide quem entra na lista; tags e merge fields permitem segmentar e personalizar",
    "a list of (name, value) pairs": "uma lista de pares (nome, valor)",
    "e.g. [('email_address', ...), ('merge_fields[FNAME]', ...), ('tags', ...)]":
        "por exemplo [('email_address', ...), ('merge_fields[FNAME]', ...), ('tags', ...)]",
    "the platform to accept the form": "que a plataforma aceitasse o formulário",
    "field names like merge_fields[FNAME]; one ('tags', name) pair per tag":
        "nomes de campo como merge_fields[FNAME]; um par ('tags', nome) para cada tag",
    "the member {email} stored from your form as from JSON":
        "o membro {email} gravado a partir do seu formulário igual ao gravado a partir do JSON",
    "every merge field as merge_fields[NAME]; tags as repeated ('tags', value) pairs":
        "cada merge field como merge_fields[NAME]; as tags como pares ('tags', valor) repetidos",
    "the platform stored the same member from a form-encoded body as from JSON":
        "a plataforma gravou o mesmo membro, viesse o corpo em form-encoded ou em JSON",
    # hidden/lab03.py
    "{member} for the lead {lead}": "{member} para o lead {lead}",
    "{hint} (a one-word name has LNAME '')": "{hint} (um nome de uma palavra só tem LNAME '')",
    "{name!r} (company {company})": "{name!r} (empresa {company})",
    "absent": "ausente",
    "the lead of {who} handled without an error": "o lead de {who} tratado sem erro",
    "a lead may have a one-word name or no company: lead_to_member must cope with both":
        "um lead pode ter um nome de uma palavra só, ou não ter empresa: lead_to_member precisa dar conta dos dois",
    "upsert what lead_to_member returns for the lead, with its status, merge_fields and tags":
        "faça o upsert do que lead_to_member devolve para o lead, com status, merge_fields e tags",
    "{email} (already subscribed) left as it was by a lead without consent":
        "{email} (já inscrito) do jeito que estava depois de um lead sem consentimento",
    "without consent, do nothing at all: return before calling upsert_member":
        "sem consentimento, não faça nada: retorne antes de chamar upsert_member",
    "the platform to accept the form for {email}": "que a plataforma aceitasse o formulário de {email}",
    "field names like merge_fields[CITY]; one ('tags', name) pair per tag":
        "nomes de campo como merge_fields[CITY]; um par ('tags', nome) para cada tag",
    "one merge_fields[NAME] pair for every merge field the member has (not only FNAME, LNAME and COMPANY), and one "
    "('tags', tag) pair for every tag":
        "um par merge_fields[NAME] para cada merge field que o membro tiver (não só FNAME, LNAME e COMPANY), e um "
        "par ('tags', tag) para cada tag",
}
