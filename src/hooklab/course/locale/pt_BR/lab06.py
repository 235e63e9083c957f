"""pt-BR: the checks of lab 06 (lab06.py, hidden/lab06.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "a JSON Schema (a dict)": "um JSON Schema (um dict)",
    "start from {schema}": "comece com {schema}",
    "a valid JSON Schema": "um JSON Schema válido",
    "check the keywords' spelling and types": "confira a grafia e os tipos das palavras-chave",
    "{data} to be valid": "que {data} seja válido",
    "order_id is optional; discount may be any number above 0":
        "order_id é opcional; discount pode ser qualquer número acima de 0",
    "the schema to refuse: {name}": "que o schema recuse: {name}",
    "schema|accepted": "aceito pelo schema",
    "required fields, pattern {pattern}, exclusiveMinimum 0, format email, additionalProperties false":
        "campos obrigatórios, pattern {pattern}, exclusiveMinimum 0, format email, additionalProperties false",
    "your schema accepts what is right and refuses seven kinds of wrong":
        "o seu schema aceita o que está certo e recusa sete tipos de erro",
    # the cases of 06.1 the visible check names (lab06.INVALID)
    "missing coupon_code": "sem coupon_code",
    "lower-case code": "código em minúsculas",
    "code too short": "código curto demais",
    "zero discount": "desconto zero",
    "discount as text": "desconto como texto",
    "email without @": "email sem @",
    "unknown field": "campo desconhecido",
    "every change classified": "todas as mudanças classificadas corretamente",
    "{n} wrong: {changes}": ("{n} errada: {changes}", "{n} erradas: {changes}"),
    "a change is breaking when a receiver written for the old version can fail on the new one: something it reads "
    "disappears, moves or changes type, or something new becomes mandatory":
        "uma mudança quebra a compatibilidade quando um receiver escrito para a versão antiga pode falhar na nova: "
        "algo que ele lê some, muda de lugar ou de tipo, ou algo novo passa a ser obrigatório",
    "additive changes are safe; renames, removals, type changes and new requirements are not":
        "mudanças que só acrescentam são seguras; renomear, remover, mudar tipo e criar exigências novas, não",
    "{want} for {data}": "{want} para {data}",
    "read 'refunded_amount' (v2) when it is there, else 'amount' (v1); ignore fields you do not know":
        "leia 'refunded_amount' (v2) quando ele existir, senão 'amount' (v1); ignore os campos que você não conhece",
    "your handler keeps working while the sender moves from v1 to v2":
        "o seu handler continua funcionando enquanto o emissor migra da v1 para a v2",
    # hidden/lab06.py
    "the schema to accept {name}: {data}": "que o schema aceite {name}: {data}",
    "4 to 12 characters is {quantifier}; a discount may be any number above 0, whole or not":
        "de 4 a 12 caracteres é {quantifier}; um desconto pode ser qualquer número acima de 0, inteiro ou não",
    "the schema to refuse {name}": "que o schema recuse {name}",
    "every field needs its type ('string', 'number'), the object itself 'type': 'object', and all three of "
    "coupon_code, email and discount belong in 'required'":
        "cada campo precisa do seu tipo ('string', 'number'), o próprio objeto precisa de 'type': 'object', e os "
        "três, coupon_code, email e discount, vão em 'required'",
    # the cases of 06.1 the hidden check names (hidden/lab06.VALID, hidden/lab06.INVALID)
    "a 4-character code and a whole-number discount": "um código de 4 caracteres e um desconto inteiro",
    "a 12-character code and a tiny discount": "um código de 12 caracteres e um desconto minúsculo",
    "a 13-character code": "um código de 13 caracteres",
    "a code with a dash": "um código com hífen",
    "a code that is a number": "um código que é um número",
    "a negative discount": "um desconto negativo",
    "no discount": "nenhum desconto",
    "no email": "nenhum email",
    "an email that is a number": "um email que é um número",
    "an order_id that is a number": "um order_id que é um número",
    "a list instead of an object": "uma lista em vez de um objeto",
    "the same answer for a change whatever the order it is asked in":
        "a mesma resposta para uma mudança, em qualquer ordem em que ela seja perguntada",
    "{n} wrong when asked in another order: {changes}":
        ("{n} errada quando perguntada em outra ordem: {changes}",
         "{n} erradas quando perguntadas em outra ordem: {changes}"),
    "decide from the change itself (a dict from change to True/False), not from how many times you were called":
        "decida pela própria mudança (um dict de mudança para True/False), não pelo número de vezes que a função "
        "foi chamada",
    "{want!r} for {data}": "{want!r} para {data}",
    "a refund of 0.0 is still a refund: test whether 'refunded_amount' is in data (or use data.get with a default), "
    "not whether it is truthy":
        "um reembolso de 0.0 continua sendo um reembolso: teste se 'refunded_amount' está em data (ou use data.get "
        "com um default), e não se o valor é verdadeiro",
}
