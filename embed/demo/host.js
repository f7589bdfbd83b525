// The host page's own script: it logs what the widgets tell it and passes the identity of its
// logged-in user (here: a demo user) to the parking permit form.
const log = document.getElementById('events');
for (const name of ['antrag:ready', 'antrag:step-changed', 'antrag:submitted', 'antrag:error']) {
  document.addEventListener(name, (event) => {
    const item = document.createElement('li');
    item.dataset.event = name;
    item.dataset.source = event.target.id;
    item.textContent = `${event.target.id}: ${name} ${JSON.stringify(event.detail)}`;
    log.append(item);
  });
}
document.getElementById('parken').identity = { givenName: 'Erika', familyName: 'Mustermann', birthDate: '1980-08-12' };
