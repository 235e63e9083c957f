"""pt-BR: the checks of lab 15 (lab15.py, hidden/lab15.py) and lesson 15's quiz (quiz15.py, hooklab/quiz.py).

The reasons and notes of the two questions that lab 15 grades (Q1, Q4) are not here: this folder ships
to students, and they would give the key away. They sit with the key, in ``hidden/quiz15.py``.
"""

MESSAGES: dict[str, str | tuple[str, str]] = {
    # -- lab 15's checks ---------------------------------------------------------------------------------------
    "one option letter: {letters}": "a letra de uma das opções: {letters}",
    'return the letter as a string, e.g. return "a"': 'devolva a letra como string, por exemplo return "a"',
    "answer {letter!r} recorded; the grader marks it right or wrong (the key is not in the lab)":
        "resposta {letter!r} registrada; o corretor diz se está certa ou errada (o gabarito não está no lab)",
    "your test to pass on a correct receiver": "que o seu teste passe num receiver correto",
    "it failed: {why}": "um teste que falhou: {why}",
    "post a signed order twice with the same webhook-id, stack.wait(), then count that order":
        "poste duas vezes um pedido assinado com o mesmo webhook-id, chame stack.wait() e então conte esse pedido",
    "your test to fail on the receiver that stores a redelivered order twice":
        "que o seu teste falhe no receiver que grava duas vezes um pedido reentregue",
    "it passed": "um teste que passou",
    "assert what the CRM holds after the second delivery, not only status codes":
        "verifique com assert o que o CRM guarda depois da segunda entrega, não só os status codes",
    "it passes on a correct receiver and catches the duplicate":
        "ele passa num receiver correto e pega a duplicata",
    "the one valid request among {n}{what}": "a única requisição válida entre {n}{what}",
    "request {picked} is not authentic: {why}": "a requisição {picked} não é autêntica: {why}",
    "return the letter of the request that signing.verify(secret, headers, body, now=now) accepts":
        "devolva a letra da requisição que signing.verify(secret, headers, body, now=now) aceita",
    "you check the signature over the raw bytes and the timestamp window":
        "você confere a assinatura sobre os bytes crus e a janela do timestamp",
    "retries off, 30% receiver errors": "retries desligados, 30% de erros no receiver",
    "two attempts each, 60% receiver errors": "duas tentativas por evento, 60% de erros no receiver",
    "the CRM down for 3 hours": "o CRM fora do ar por 3 horas",
    "a quiet day": "um dia tranquilo",
    "the sender delivered them all; count the events whose handlers never finished "
    "(stack.events()['processed_at'] is empty)":
        "o emissor entregou todos; conte os eventos cujos handlers nunca terminaram "
        "(stack.events()['processed_at'] está vazio)",
    "count events, not failed attempts": "conte eventos, não tentativas que falharam",
    "compare every event in stack.events() with what was processed":
        "compare cada evento de stack.events() com o que foi processado",
    "{n} events that never reached the CRM ({what})": "{n} eventos que nunca chegaram ao CRM ({what})",
    "delivered is not processed: you counted at the CRM's end":
        "entregue não é processado: você contou na ponta do CRM",
    # hidden/lab15.py
    "look again at the lesson": "volte à aula e olhe de novo",
    "the statement that tells push from pull": "a afirmação que separa push de pull",
    "the changes this stack's receiver refuses (post them and see)":
        "as mudanças que o receiver desta stack recusa (poste-as e veja)",
    "your test to pass on a correct receiver that has no dedup at the door, whose order handler upserts "
    "(the CRM still holds the order once)":
        "que o seu teste passe num receiver correto sem deduplicação na entrada, cujo handler de pedidos faz "
        "upsert (o CRM continua com o pedido uma vez só)",
    "assert the outcome that matters, the CRM's orders, not the status code or how the receiver got there":
        "verifique o resultado que importa, os pedidos no CRM, e não o status code nem o caminho que o receiver "
        "fez até lá",
    "your test to fail on the broken receiver again, on another seed":
        "que o seu teste falhe de novo no receiver quebrado, com outro seed",
    "make the redelivery happen in the test itself, and count in the CRM":
        "faça a reentrega acontecer dentro do próprio teste, e conte no CRM",
    " (the valid one signed twice during a key rotation: 'v1,<old> v1,<new>')":
        " (a válida assinada duas vezes durante uma troca de segredo: 'v1,<antigo> v1,<novo>')",
    " (the valid one signed 4 minutes ago, inside the 5-minute window)":
        " (a válida assinada 4 minutos atrás, dentro da janela de 5 minutos)",
    "retries off, half the requests fail": "retries desligados, metade das requisições falha",
    "the CRM down for half an hour, then the handlers' retries reach it":
        "o CRM fora do ar por meia hora, depois os retries dos handlers chegam a ele",
    "the receiver unreachable for 20 minutes, the sender retrying":
        "o receiver inacessível por 20 minutos, com o emissor fazendo retries",
    "the CRM down for 3 hours, orders only": "o CRM fora do ar por 3 horas, só pedidos",
    # -- the quiz's own words (hooklab/quiz.py, quiz15.py) ----------------------------------------------------
    "✅ {id} right: {given}.": "✅ {id} certo: {given}.",
    "(Lesson {lessons}.)": "(Aula {lessons}.)",
    "(Lessons {lessons}.)": "(Aulas {lessons}.)",
    "❌ {id} not quite: {why}. See lesson {lessons}.": "❌ {id} ainda não: {why}. Reveja a aula {lessons}.",
    "❌ {id} not quite: {why}. See lessons {lessons}.": "❌ {id} ainda não: {why}. Reveja as aulas {lessons}.",
    "Score: {right} of {n} right ({answered} answered).": ("Placar: {right} de {n} certas ({answered} respondida).",
                                                           "Placar: {right} de {n} certas ({answered} respondidas)."),
    "answer with one of {options}, not {value!r}": "responda com uma das opções {options}, não {value!r}",
    "answer with a whole number, not {value!r}": "responda com um número inteiro, não {value!r}",
    "no question {qid!r}; the questions are {ids}": "não há questão {qid!r}; as questões são {ids}",
    'Answer with the widget, or in Python: answer("{id}", {form})':
        'Responda pelo widget ou, em Python: answer("{id}", {form})',
    '"<letter>"': '"<letra>"',
    "<a whole number>": "<um número inteiro>",
    "a whole number": "um número inteiro",
    "Check {id}": "Conferir {id}",
    "Choose an option first.": "Escolha uma opção primeiro.",
    "Type a number first.": "Digite um número primeiro.",
    "Checking…": "Conferindo…",
    "look again at what you ran": "olhe de novo o que você rodou",
    # quiz.score(): its columns and results (a context keeps these words apart from the same words elsewhere)
    "quiz score|question": "questão",
    "quiz score|about": "sobre",
    "quiz score|lesson": "aula",
    "quiz score|your answer": "sua resposta",
    "quiz score|result": "resultado",
    "quiz result|not answered": "sem resposta",
    "quiz result|right": "certa",
    "quiz result|try again": "tente de novo",
    "{qid} is graded in lab 15 (exercise {ex}): its answer is the grader's, and not in this copy of the course":
        "{qid} vale nota no lab 15 (exercício {ex}): a resposta fica com o corretor, e não está nesta cópia do "
        "curso",
    "📝 {id}: {given!r} noted. Lab 15 grades this question (exercise {ex}), so the quiz does not say here whether "
    "it is right: your instructor's grader will.":
        "📝 {id}: {given!r} anotada. O lab 15 dá nota a esta questão (exercício {ex}), então o quiz não diz "
        "aqui se ela está certa: quem diz é o corretor do seu instrutor.",
    # -- the questions -------------------------------------------------------------------------------------------
    # Q0
    "Practice: which HTTP method carries a webhook?": "Treino: qual método HTTP leva um webhook?",
    "a GET asks for something; a webhook delivers an event, in a request body":
        "um GET pede alguma coisa; um webhook entrega um evento, no corpo de uma requisição",
    "PUT replaces a resource at a URL the caller names; nothing is replaced here":
        "um PUT substitui um recurso numa URL que quem chama escolhe; aqui nada é substituído",
    "Every attempt in stack.deliveries() is a POST with a JSON body.":
        "Toda tentativa em stack.deliveries() é um POST com corpo JSON.",
    # Q1
    "Webhook or polling: what is the real difference?": "Webhook ou polling: qual é a diferença de verdade?",
    "a webhook uses a protocol of its own; polling uses HTTP":
        "o webhook usa um protocolo próprio; o polling usa HTTP",
    "a webhook keeps a connection open and streams events over it":
        "o webhook mantém uma conexão aberta e transmite os eventos por ela",
    "the source calls your URL when something happens; a poller calls the source's API on a schedule":
        "a origem chama a sua URL quando algo acontece; quem faz polling chama a API da origem em horários fixos",
    "polling every second is as fresh as a webhook, for about the same cost":
        "polling a cada segundo é tão atual quanto um webhook, por mais ou menos o mesmo custo",
    # Q2
    "Polling every 5 minutes for an hour: how many of the 12 polls bring nothing new?":
        "Polling a cada 5 minutos durante uma hora: quantas das 12 consultas não trazem nada de novo?",
    "a poll brings news only if someone signed up since the previous poll":
        "uma consulta só traz novidade se alguém se cadastrou desde a consulta anterior",
    "12 − 10 assumes one signup per 5-minute slot; random signups bunch up and leave more slots empty":
        "12 − 10 supõe um cadastro em cada intervalo de 5 minutos; cadastros ao acaso se amontoam e deixam mais "
        "intervalos vazios",
    "count the rows of run.polls whose new_events is 0": "conte as linhas de run.polls cujo new_events é 0",
    "The webhook sent 10 requests, one per signup, none of them empty.":
        "O webhook mandou 10 requisições, uma por cadastro, nenhuma vazia.",
    # Q3
    "A demo request without marketing consent: where does the lead end up?":
        "Um pedido de demonstração sem consentimento de marketing: onde o lead vai parar?",
    "in the CRM as a lead and announced in #leads, but not on the newsletter list":
        "no CRM como lead e anunciado em #leads, mas não na lista da newsletter",
    "in the CRM as a lead, subscribed to the newsletter, and announced in #leads":
        "no CRM como lead, inscrito na newsletter e anunciado em #leads",
    "nowhere: without consent the integration drops the event":
        "em lugar nenhum: sem consentimento, a integração descarta o evento",
    "only in #leads: the CRM waits until the person consents":
        "só em #leads: o CRM espera até a pessoa consentir",
    "consent decides list membership: subscribing someone who did not agree breaks GDPR/LGPD rules":
        "o consentimento decide quem entra na lista: inscrever quem não concordou desrespeita a LGPD e o GDPR",
    "consent is about marketing email; sales may still follow up a demo request":
        "o consentimento vale para e-mail de marketing; o time de vendas ainda pode dar retorno a um pedido de "
        "demonstração",
    "the CRM does record the lead: look at stack.crm.contact(...)":
        "o CRM registra o lead, sim: olhe stack.crm.contact(...)",
    "Consent decides the email list, not whether sales hears about the lead.":
        "O consentimento decide a lista de e-mail, não se o time de vendas fica sabendo do lead.",
    # Q4
    "Four changes to order.completed: which does this receiver refuse?":
        "Quatro mudanças em order.completed: quais este receiver recusa?",
    "only (2), the rename": "só a (2), a renomeação",
    "(2) and (3): the rename and the new event type": "a (2) e a (3): a renomeação e o tipo de evento novo",
    "all four: any change needs a new version": "as quatro: qualquer mudança pede uma versão nova",
    "(1) and (2): the new optional field and the rename": "a (1) e a (2): o campo opcional novo e a renomeação",
    # Q5
    "Three signed requests: which one is authentic?": "Três requisições assinadas: qual delas é autêntica?",
    "request a": "requisição a",
    "request b": "requisição b",
    "request c": "requisição c",
    "Check the HMAC over the raw bytes, and the timestamp window, for every request.":
        "Confira o HMAC sobre os bytes crus, e a janela do timestamp, em toda requisição.",
    "it verifies": "ela passa na verificação",
    "its body was changed after signing (look at the total), so the HMAC no longer matches":
        "o corpo foi alterado depois da assinatura (olhe o total), então o HMAC não bate mais",
    "its signature is right but 10 minutes old, outside the 5-minute window, like a captured request replayed later":
        "a assinatura está certa, mas tem 10 minutos, fora da janela de 5 minutos, como uma requisição capturada "
        "e reenviada mais tarde",
    "its timestamp is 10 minutes in the future, outside the window":
        "o timestamp está 10 minutos no futuro, fora da janela",
    "it was signed with another secret, as anyone who does not hold yours would sign":
        "foi assinada com outro segredo, como assinaria qualquer um que não tem o seu",
    "its JSON was parsed and dumped again (spaces after ':' and ','): not the bytes that were signed":
        "o JSON foi lido e gerado de novo (espaços depois de ':' e ','): não são os bytes que foram assinados",
    "it has no webhook-signature header": "ela não tem o header webhook-signature",
    # Q6
    "A 30% error rate, retries off, 20 events: how many never reach the CRM?":
        "30% de erros, retries desligados, 20 eventos: quantos nunca chegam ao CRM?",
    "that is what retries buy; with retries=False a 503 is final for that event":
        "isso é o que os retries garantem; com retries=False, um 503 é definitivo para aquele evento",
    "30% of 20 is the average to expect; each request is a random draw, so count what this run did":
        "30% de 20 é a média esperada; cada requisição é um sorteio, então conte o que esta execução deu",
    "most requests got through: 30% is a rate, not an outage":
        "a maioria das requisições passou: 30% é uma taxa, não uma queda",
    "count the dead letters, or the events whose delivery is not 'delivered'":
        "conte as mensagens mortas (dead letters), ou os eventos cuja delivery não é 'delivered'",
    "Each one is a dead letter: lost unless someone replays it.":
        "Cada um é uma mensagem morta (dead letter): perdida, a menos que alguém a reenvie.",
    # Q7
    "The same webhook-id arrives again: what does the receiver answer?":
        "O mesmo webhook-id chega de novo: o que o receiver responde?",
    "202: accepted again, and the CRM now has the order twice":
        "202: aceito de novo, e agora o CRM tem o pedido duas vezes",
    "401: refused as a replay attack": "401: recusado como ataque de repetição (replay)",
    "200: a duplicate, nothing changes": "200: uma duplicata, nada muda",
    "409: a conflict, so the sender tries again later": "409: um conflito, então o emissor tenta de novo mais tarde",
    "the receiver remembers the webhook-ids it stored and does not do the work twice":
        "o receiver lembra os webhook-ids que já guardou e não faz o trabalho duas vezes",
    "the sender signs every attempt afresh, so a redelivery is authentic; the window stops old captured requests, "
    "dedup stops repeats":
        "o emissor assina cada tentativa de novo, então uma reentrega é autêntica; a janela barra requisições "
        "antigas capturadas, a deduplicação barra as repetições",
    "a 409 would make the sender retry what is already done; a success status makes it stop":
        "um 409 faria o emissor repetir o que já está feito; um status de sucesso faz ele parar",
    "Deduplicating by webhook-id makes at-least-once delivery safe.":
        "Deduplicar pelo webhook-id torna segura a entrega pelo menos uma vez (at-least-once).",
    # Q8
    "Which test fails on a receiver that stores a redelivered order twice?":
        "Qual teste falha num receiver que grava duas vezes um pedido reentregue?",
    "post the same signed order twice (same webhook-id), wait; assert the CRM holds it once":
        "postar duas vezes o mesmo pedido assinado (mesmo webhook-id), esperar; assert que o CRM o tem uma vez só",
    "post one signed order; assert the answer is 202": "postar um pedido assinado; assert que a resposta é 202",
    "post the same signed order twice; assert both answers are 2xx":
        "postar duas vezes o mesmo pedido assinado; assert que as duas respostas são 2xx",
    "post an order with a tampered body; assert the answer is 401":
        "postar um pedido com o corpo adulterado; assert que a resposta é 401",
    "it passes on both receivers: the bug shows only on the second delivery":
        "ele passa nos dois receivers: o bug só aparece na segunda entrega",
    "the broken receiver answers 202 twice, so the test passes on it: a test that cannot fail protects nothing":
        "o receiver quebrado responde 202 duas vezes, então o teste passa nele: um teste que não pode falhar não "
        "protege nada",
    "a good test, of signatures; the bug is about duplicates": "um bom teste, de assinaturas; o bug é de duplicatas",
    "Name the behaviour, make it happen twice, assert the outcome in the CRM.":
        "Dê nome ao comportamento, faça-o acontecer duas vezes, verifique o resultado no CRM.",
    # Q9
    "The CRM was down for 3 hours; every delivery got a 202. What does reconcile() find?":
        "O CRM ficou fora do ar por 3 horas; toda entrega recebeu 202. O que o reconcile() encontra?",
    "nothing: every delivery succeeded, so the systems agree":
        "nada: toda entrega deu certo, então os sistemas concordam",
    "duplicate records": "registros duplicados (duplicate)",
    "stale records": "registros desatualizados (stale)",
    "missing records": "registros faltando (missing)",
    "a 202 means the receiver stored the event, not that the CRM got it; the handlers retried for about 1.7 hours, "
    "then gave up while the CRM was still down":
        "um 202 quer dizer que o receiver guardou o evento, não que o CRM o recebeu; os handlers fizeram retries "
        "por cerca de 1,7 hora e desistiram com o CRM ainda fora do ar",
    "nothing arrived twice: look at the problem column": "nada chegou duas vezes: olhe a coluna problem",
    "stale needs an older version overwriting a newer one; here nothing arrived at all":
        "stale pede uma versão mais antiga por cima de uma mais nova; aqui nada chegou",
    "Delivered is not processed: only a reconciliation against the source shows it.":
        "Entregue não é processado: só uma reconciliação com a origem mostra isso.",
    # Q10
    "The CRM takes 8 s per call, the sender waits 5 s: how many attempts time out?":
        "O CRM leva 8 s por chamada, o emissor espera 5 s: quantas tentativas estouram o tempo (timeout)?",
    "that is what a receiver that calls the CRM before answering would suffer; this one answers as soon as the event "
    "is stored, and calls the CRM afterwards":
        "isso é o que sofreria um receiver que chama o CRM antes de responder; este responde assim que guarda o "
        "evento, e chama o CRM depois",
    "a timed-out attempt is retried, but only if it timed out in the first place":
        "uma tentativa que estourou o tempo ganha um retry, mas só se ela estourou, para começo de conversa",
    "count the rows of stack.deliveries() whose error is 'timeout'":
        "conte as linhas de stack.deliveries() cujo error é 'timeout'",
    "Acknowledge, then queue: a slow CRM delays the CRM (see the lag), never the sender.":
        "Confirme, depois enfileire: um CRM lento atrasa o CRM (veja o lag), nunca o emissor.",
    # Q11
    "30% errors with retries on: which warning signs fire?":
        "30% de erros com retries ligados: quais sinais de alerta disparam?",
    "none: the retries fixed everything": "nenhum: os retries resolveram tudo",
    "frequent errors only": "só erros frequentes (frequent errors)",
    "frequent errors and inconsistent data":
        "erros frequentes (frequent errors) e dados inconsistentes (inconsistent data)",
    "delays, frequent errors and inconsistent data":
        "atrasos (delays), erros frequentes (frequent errors) e dados inconsistentes (inconsistent data)",
    "retries hid the failures from the CRM, not from the log: look at the failed attempt rate":
        "os retries esconderam as falhas do CRM, não do log: olhe a taxa de tentativas que falharam",
    "reconcile() is empty: every event got through in the end": "o reconcile() está vazio: no fim, todo evento passou",
    "the p95 lag stayed at a few seconds: read the value column":
        "o lag p95 ficou em poucos segundos: leia a coluna value",
    "The sender's log shows trouble the CRM never saw: fix the cause before retries run out.":
        "O log do emissor mostra problemas que o CRM nunca viu: corrija a causa antes que os retries acabem.",
}
