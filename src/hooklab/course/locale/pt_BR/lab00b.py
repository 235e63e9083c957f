"""pt-BR: the checks of lab 00b (lab00b.py, hidden/lab00b.py)."""

MESSAGES: dict[str, str | tuple[str, str]] = {
    "an answer {case}": "uma resposta {case}",
    'event["data"].get("email") gives None, not a KeyError, when there is no email':
        'event["data"].get("email") dá None, e não um KeyError, quando não há email',
    "for an order whose email is 'Bia.Lima@Example.COM'": "para um pedido cujo email é 'Bia.Lima@Example.COM'",
    "return the email in lower case: a string's .lower() method":
        "devolva o email em minúsculas: o método .lower() de uma string",
    "for an order whose data has no email (a guest checkout)":
        "para um pedido cujo data não tem email (uma compra sem cadastro)",
    "return None when the data has no email": "devolva None quando o data não tiver email",
    "lower case, and None when there is no email": "em minúsculas, e None quando não há email",
    "a list of emails from {call}": "uma lista de emails vinda de {call}",
    "sorted(...) of a column gives a list; a column itself (a Series) is not one":
        "sorted(...) de uma coluna dá uma lista; a coluna em si (uma Series) não é uma lista",
    "{emails} missing": "{emails} faltando",
    "{emails} not expected": "{emails} não esperado(s)",
    "the emails sorted A→Z": "os emails em ordem de A→Z",
    "sorted(...) sorts a list or a column A→Z": "sorted(...) ordena uma lista ou uma coluna de A→Z",
    "each email once": "cada email uma vez só",
    "one row per contact: do not add emails from other tables":
        "uma linha por contato: não junte emails de outras tabelas",
    "not in the CRM": "fora do CRM",
    "only contacts whose lifecycle_stage is 'customer'": "só contatos cujo lifecycle_stage é 'customer'",
    'keep the rows where contacts["lifecycle_stage"] == "customer"':
        'fique com as linhas em que contacts["lifecycle_stage"] == "customer"',
    "all {count} customers of the CRM": "todos os {count} clientes do CRM",
    "read stack.crm.contacts() inside the function, each time it is called":
        "leia stack.crm.contacts() dentro da função, a cada vez que ela for chamada",
    "the two new buyers ({buyers}) added, and not the two new newsletter readers":
        "os dois novos compradores ({buyers}) incluídos, e não os dois novos leitores da newsletter",
    "call stack.crm.contacts() inside your function, so it sees the CRM as it is now":
        "chame stack.crm.contacts() dentro da sua função, para ela ver o CRM como ele está agora",
    "every customer in the CRM, A→Z, and nobody else": "todos os clientes do CRM, de A→Z, e mais ninguém",
    "the table has the columns of stack.crm.orders(): order_id, email, total, currency, status...":
        "a tabela tem as colunas de stack.crm.orders(): order_id, email, total, currency, status...",
    "a dict {{currency: revenue}} {case}": "um dict {{moeda: receita}} {case}",
    "a column's .to_dict() turns it into a dict, its index as the keys":
        "o .to_dict() de uma coluna a transforma num dict, com o índice como chaves",
    "for 5 orders: 40.50 and 59.25 USD, 120.00 EUR, 100.00 BRL and 89.90 BRL refunded":
        "para 5 pedidos: 40.50 e 59.25 USD, 120.00 EUR, 100.00 BRL e 89.90 BRL reembolsado",
    'count only the rows whose status is "completed", then add up total per currency':
        'conte só as linhas cujo status é "completed" e some o total por moeda',
    "completed orders summed per currency; the refunded one left out":
        "pedidos concluídos somados por moeda; o reembolsado ficou de fora",
    "for a traceback whose last line is {last!r}": "para um traceback cuja última linha é {last!r}",
    "the last line is KeyError: 'e_mail'; return what follows 'KeyError: ', without the quotes":
        "a última linha é KeyError: 'e_mail'; devolva o que vem depois de 'KeyError: ', sem as aspas",
    "only the last line counts; return the key without its quotes": "só a última linha conta; devolva a chave sem as aspas",
    "an AttributeError is not a missing key: return None unless the last line starts with 'KeyError: '":
        "um AttributeError não é uma chave que falta: devolva None, a menos que a última linha comece com 'KeyError: '",
    "the last line says it: KeyError and the key, or another error":
        "a última linha diz tudo: KeyError e a chave, ou então outro erro",
    "for a form whose email was typed as ' Caio.Prado@Example.ORG ' (a space before and after)":
        "para um formulário cujo email foi digitado como ' Caio.Prado@Example.ORG ' (um espaço antes e outro depois)",
    "a string's .strip() removes the spaces around it; then .lower()":
        "o .strip() de uma string tira os espaços em volta; depois, .lower()",
    'for an order whose data has "email": None (a field left empty)':
        'para um pedido cujo data tem "email": None (um campo deixado em branco)',
    "an email that is None is missing too: return None before calling a string method on it":
        "um email None também está faltando: devolva None antes de chamar um método de string nele",
    "{offline} (made a customer in the CRM, with no order) added, and not {lead} (a lead from a form)":
        "{offline} (virou cliente no CRM, sem pedido) incluído, e não {lead} (um lead de formulário)",
    'the CRM\'s lifecycle_stage decides, and only "customer" counts: not "has an order", not "anything but subscriber"':
        'quem decide é o lifecycle_stage do CRM, e só "customer" conta: não "tem um pedido", nem "qualquer coisa '
        'menos subscriber"',
    "for 10.10 and 20.20 BRL, and 35.00 EUR refunded": "para 10.10 e 20.20 BRL, e 35.00 EUR reembolsado",
    "10.1 + 20.2 is 30.299999999999997 in floating point: round each sum to 2 decimals (.round(2)); a currency whose "
    "only order was refunded is left out": "10.1 + 20.2 dá 30.299999999999997 em ponto flutuante: arredonde cada soma "
                                           "para 2 casas decimais (.round(2)); uma moeda cujo único pedido foi "
                                           "reembolsado fica de fora",
    "for a table whose only order was refunded": "para uma tabela cujo único pedido foi reembolsado",
    "no completed order: an empty dict": "nenhum pedido concluído: um dict vazio",
    'a traceback can hold two errors ("During handling of the above exception..."): only the last line says what '
    "stopped the code": 'um traceback pode ter dois erros ("During handling of the above exception..."): só a '
                        "última linha diz o que parou o código",
    "the last line is an AttributeError: return None, even when a KeyError shows higher up":
        "a última linha é um AttributeError: devolva None, mesmo que apareça um KeyError mais acima",
    "a key that is a number has no quotes around it (KeyError: 2026): return '2026'":
        "uma chave que é número não tem aspas em volta (KeyError: 2026): devolva '2026'",
}
