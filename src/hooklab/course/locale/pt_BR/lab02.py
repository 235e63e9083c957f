"""pt-BR: the checks of lab 02 (lab02.py, hidden/lab02.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # 02.1
    "copy exactly webhook-id, webhook-timestamp and webhook-signature from detail['request_headers'], and leave the "
    "other headers out": "copie exatamente webhook-id, webhook-timestamp e webhook-signature de "
                         "detail['request_headers'] e deixe os outros headers de fora",
    "take the values from detail['request_headers'] as they are":
        "pegue os valores de detail['request_headers'] como estão",
    "a dict {shape}": "um dict {shape}",
    "header name: value": "nome do header: valor",
    "build a dict with the three webhook-* names": "monte um dict com os três nomes webhook-*",
    "exactly the keys {keys}": "exatamente as chaves {keys}",
    "the keys {keys}": "as chaves {keys}",
    "webhook-id {id!r} (the event's id)": "webhook-id {id!r} (o id do evento)",
    "the webhook-timestamp and webhook-signature this request was sent with":
        "o webhook-timestamp e o webhook-signature com que esta requisição foi enviada",
    "values that do not verify ({error})": "valores cuja assinatura não confere ({error})",
    "the three signing headers from request_headers {names}":
        "os três headers da assinatura, tirados de request_headers {names}",
    "webhook-id names the event, webhook-timestamp says when it was signed, webhook-signature who signed it":
        "o webhook-id identifica o evento, o webhook-timestamp diz quando ele foi assinado, e o webhook-signature, "
        "quem o assinou",
    "{want} from request_headers {names}": "{want} a partir de request_headers {names}",
    "pick the three names webhook-id, webhook-timestamp and webhook-signature one by one: other headers, even ones "
    "that start with webhook-, stay out": "escolha os três nomes webhook-id, webhook-timestamp e webhook-signature "
                                          "um a um: os outros headers, mesmo os que começam com webhook-, ficam de fora",
    # 02.2
    "the specification's test vector {want!r}": "o vetor de teste da especificação {want!r}",
    "key = base64-decode the secret after 'whsec_'; HMAC-SHA256 of {content} encoded as UTF-8; answer 'v1,' + "
    "base64 of the digest (a str)": "chave = o segredo depois de 'whsec_', decodificado de base64; HMAC-SHA256 de "
                                    "{content} codificado em UTF-8; resposta 'v1,' + o base64 do digest (uma str)",
    "{want!r} for id={id!r}, timestamp={timestamp!r}, body={body!r}":
        "{want!r} para id={id!r}, timestamp={timestamp!r}, body={body!r}",
    "encode the signed content with .encode('utf-8') (accents and emoji are several bytes) and use str(timestamp) "
    "as it is": "codifique o conteúdo assinado com .encode('utf-8') (acentos e emojis ocupam vários bytes) e use "
                "str(timestamp) como está",
    "your HMAC matches the Standard Webhooks test vector and the dispatcher's signatures":
        "o seu HMAC bate com o vetor de teste do Standard Webhooks e com as assinaturas do dispatcher",
    "{want!r} for id={id!r}, timestamp={timestamp!r}, body={body}":
        "{want!r} para id={id!r}, timestamp={timestamp!r}, body={body}",
    "sign the body exactly as it is given: no .strip(), no json.loads/dumps, every byte counts (UTF-8)":
        "assine o body exatamente como ele chega: sem .strip(), sem json.loads/dumps, cada byte conta (UTF-8)",
    # 02.3
    "True or False for {what}": "True ou False para {what}",
    "return the result of a comparison (a bool)": "devolva o resultado de uma comparação (um bool)",
    "{want} for {what}": "{want} para {what}",
    "a genuine request": "uma requisição autêntica",
    "a body changed by one character": "um body com um caractere trocado",
    "a request signed with another secret": "uma requisição assinada com outro segredo",
    "a webhook-id changed after signing": "um webhook-id alterado depois da assinatura",
    "a webhook-timestamp changed after signing": "um webhook-timestamp alterado depois da assinatura",
    "two signatures (a sender mid-rotation), the second one ours":
        "duas assinaturas (um emissor no meio da troca de segredo), a segunda delas a nossa",
    "recompute the signature with compute_signature(secret, id, timestamp, body) and compare it with "
    "hmac.compare_digest to each space-separated entry of webhook-signature":
        "recalcule a assinatura com compute_signature(secret, id, timestamp, body) e compare-a, com "
        "hmac.compare_digest, com cada item de webhook-signature separado por espaços",
    "you recompute, then compare in constant time: that is all a receiver's signature check is":
        "você recalcula e depois compara em tempo constante: a verificação de assinatura de um receiver é só isso",
    "two signatures, the first one ours": "duas assinaturas, a primeira delas a nossa",
    "three signatures, ours in the middle": "três assinaturas, a nossa no meio",
    "ours next to a signature of another scheme (v1a)": "a nossa ao lado de uma assinatura de outro esquema (v1a)",
    "our signature cut short by one character": "a nossa assinatura com um caractere a menos",
    "our signature with characters added at the end": "a nossa assinatura com caracteres a mais no fim",
    "an empty webhook-signature": "um webhook-signature vazio",
    "a body with a newline added after signing": "um body com uma quebra de linha acrescentada depois da assinatura",
    "only signatures made with other secrets": "só assinaturas feitas com outros segredos",
    "split webhook-signature on spaces and compare your signature with every entry, each one whole "
    "(hmac.compare_digest), not a part of the header":
        "separe webhook-signature nos espaços e compare a sua assinatura com cada item, inteiro "
        "(hmac.compare_digest), e não com um pedaço do header",
    # 02.4
    "a dict": "um dict",
    "return a dict with four keys": "devolva um dict com quatro chaves",
    "the member for data {data}": "o membro para os dados {data}",
    "email_address: the email stripped and lowercased; status 'subscribed'; merge_fields: FNAME the first word of "
    "the name, LNAME the rest ('' for one word); tags: [signup_source]":
        "email_address: o email sem espaços nas pontas e em minúsculas; status 'subscribed'; merge_fields: FNAME é "
        "a primeira palavra do nome, LNAME o resto ('' para um nome de uma palavra só); tags: [signup_source]",
    "your mapping keeps accents and copes with one-word names: 'Olá *|FNAME|*' will read right":
        "o seu mapeamento preserva os acentos e dá conta de nomes de uma palavra só: 'Olá *|FNAME|*' vai sair certo",
    "{want} for data {data}": "{want} para os dados {data}",
    "strip the name before you split it (a form may send ' Ana Souza '), and the email too; LNAME is the rest of "
    "the name after the first word, '' when there is none":
        "tire os espaços das pontas do nome antes de separá-lo (um formulário pode mandar ' Ana Souza '), e do "
        "email também; LNAME é o resto do nome depois da primeira palavra, '' quando não houver",
    # 02.5
    "a number of seconds (a float)": "um número de segundos (um float)",
    "return a float, rounded to 3 decimals": "devolva um float, arredondado em 3 casas decimais",
    "about {mean:.3f} s: your answer was {before} for {n} signup(s), then one more signup waited {waited} s (an "
    "order that waited as well does not count)":
        "cerca de {mean:.3f} s: a sua resposta foi {before} para {n} cadastro(s), e depois mais um cadastro esperou "
        "{waited} s (um pedido que também esperou não conta)",
    "filter stack.events() on type == 'newsletter.subscribed' first, then take the mean of lag_s, rounded to 3 "
    "decimals": "filtre antes stack.events() por type == 'newsletter.subscribed' e depois tire a média de lag_s, "
                "arredondada em 3 casas decimais",
    "you can now put a number on 'real time': here, the mean seconds from signup to CRM":
        "agora você consegue pôr um número em 'tempo real': aqui, a média de segundos entre o cadastro e o CRM",
    "{want} s, the mean over the {n} newsletter.subscribed events only (the stack also has newsletter.unsubscribed "
    "and contact.updated events that waited minutes)":
        "{want} s, a média só dos {n} eventos newsletter.subscribed (a stack também tem eventos "
        "newsletter.unsubscribed e contact.updated que esperaram minutos)",
    "keep the rows whose type is exactly 'newsletter.subscribed' (== , not startswith or contains), then the mean "
    "of lag_s, rounded to 3 decimals":
        "fique com as linhas cujo type é exatamente 'newsletter.subscribed' (== , e não startswith ou contains) e "
        "depois tire a média de lag_s, arredondada em 3 casas decimais",
}
